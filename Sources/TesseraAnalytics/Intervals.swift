import Foundation

/// 95% confidence intervals for the rates the measures report, and the smallest group whose
/// rate is worth comparing (docs/analytics.md, "Intervals and small groups").
///
/// A rate is `count` of `total` people. Its interval is Wilson's score interval, which stays
/// inside 0-1 and behaves at 0% and 100% and with few people, where the textbook
/// normal-approximation interval does not. The difference of two rates gets Newcombe's hybrid
/// score interval (his method 10), built from the two Wilson intervals.
public enum Intervals {
    /// The standard normal quantile for a two-sided 95% interval.
    public static let z95 = 1.959963984540054

    /// The smallest group a rate is compared for, unless configured otherwise.
    public static let defaultMinimumGroupSize = 10

    /// Wilson's 95% score interval for `count` of `total`; nil for an empty group.
    public static func wilson(_ count: Int, of total: Int) -> ClosedRange<Double>? {
        guard total > 0, (0...total).contains(count) else { return nil }
        let n = Double(total), p = Double(count) / n, z2 = z95 * z95
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z95 / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // Exact at the ends: 0 of n has low 0, n of n has high 1 (rounding could say otherwise).
        return (count == 0 ? 0 : max(0, centre - half))...(count == total ? 1 : min(1, centre + half))
    }

    /// Newcombe's 95% interval for the difference of two rates, `first` minus `second`; nil
    /// when either group is empty.
    public static func difference(_ first: (count: Int, total: Int), _ second: (count: Int, total: Int)) -> ClosedRange<Double>? {
        guard let a = wilson(first.count, of: first.total), let b = wilson(second.count, of: second.total) else { return nil }
        let p1 = Double(first.count) / Double(first.total), p2 = Double(second.count) / Double(second.total)
        let d = p1 - p2
        let low = d - ((p1 - a.lowerBound) * (p1 - a.lowerBound) + (b.upperBound - p2) * (b.upperBound - p2)).squareRoot()
        let high = d + ((a.upperBound - p1) * (a.upperBound - p1) + (p2 - b.lowerBound) * (p2 - b.lowerBound)).squareRoot()
        return low...high
    }
}

/// A rate as the reports give it: `count` of `total` people, with its 95% interval and whether
/// the group is too small to compare.
public struct ReportedRate: Sendable, Equatable {
    /// The people counted.
    public let count: Int
    /// The group they are counted in (the rate's denominator).
    public let total: Int
    /// Wilson's 95% interval (nil for an empty group).
    public let interval: ClosedRange<Double>?
    /// True when the group is under the minimum size: its rate is shown but not to be compared.
    public let tooFew: Bool

    /// `count` of `total`, compared only from `minimumGroupSize` people up.
    public init(_ count: Int, of total: Int, minimumGroupSize: Int) {
        self.count = count
        self.total = total
        interval = Intervals.wilson(count, of: total)
        tooFew = total < minimumGroupSize
    }

    /// count / total (nil for an empty group).
    public var rate: Double? { total == 0 ? nil : Double(count) / Double(total) }
}
