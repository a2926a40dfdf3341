import Foundation

/// The Kaplan–Meier estimate of the share of a group still there over time, with Greenwood's
/// variance and a 95% interval on the log(−log) scale, which stays within 0 and 1
/// (docs/analytics.md "Retention over time").
public struct SurvivalCurve: Sendable, Equatable {
    /// The estimate after the events of one day.
    public struct Step: Sendable, Equatable {
        /// Days since the start.
        public let day: Int
        /// People still followed at the start of the day.
        public let atRisk: Int
        /// People who left that day.
        public let left: Int
        /// The estimated share still there at the end of the day.
        public let survival: Double
        /// Its 95% interval (nil while nobody has left, or once nobody is left).
        public let interval: ClosedRange<Double>?
    }

    /// How many people the curve follows.
    public let count: Int
    /// Day 0 (everyone there), then each day on which someone left, then the last day followed.
    public let steps: [Step]

    /// The curve of people followed for `days` days each; `left` true when their following
    /// ended because they left, false when it ended with the period (censored).
    public init(_ people: [(days: Int, left: Bool)]) {
        count = people.count
        var steps = [Step(day: 0, atRisk: people.count, left: 0, survival: 1, interval: nil)]
        let byDay = Dictionary(grouping: people, by: \.days)
        var atRisk = people.count, survival = 1.0, greenwood = 0.0
        for day in byDay.keys.sorted() {
            let here = byDay[day]!
            let left = here.filter(\.left).count
            if left > 0 {
                survival *= Double(atRisk - left) / Double(atRisk)
                greenwood += atRisk > left ? Double(left) / Double(atRisk * (atRisk - left)) : .infinity
                steps.append(Step(day: day, atRisk: atRisk, left: left, survival: survival, interval: Self.interval(survival, greenwood)))
            }
            atRisk -= here.count
        }
        if let last = byDay.keys.max(), last > steps.last!.day {
            let previous = steps.last!
            steps.append(Step(day: last, atRisk: byDay[last]!.count, left: 0, survival: previous.survival, interval: previous.interval))
        }
        self.steps = steps
    }

    /// The estimate at the end of `day` (days since the start).
    public func survival(atDay day: Int) -> Double {
        steps.last { $0.day <= day }?.survival ?? 1
    }

    /// exp(−exp(log(−log S) ± 1.96 σ)) with σ² = Greenwood's sum / (log S)².
    private static func interval(_ survival: Double, _ greenwood: Double) -> ClosedRange<Double>? {
        guard survival > 0, survival < 1, greenwood.isFinite else { return nil }
        let logS = log(survival)
        let sigma = greenwood.squareRoot() / abs(logS)
        let z = 1.959963984540054
        return pow(survival, exp(z * sigma))...pow(survival, exp(-z * sigma))
    }
}

/// Employee retention over time: trained and untrained people followed from `from` to `to`.
public struct EmployeeSurvival: Sendable, Equatable {
    public let participants: SurvivalCurve
    public let nonParticipants: SurvivalCurve

    /// The curves of the same population as `EmployeeRetention.report`: people hired on or
    /// before `from` and not gone by then, followed from the day of `from` until the day they
    /// left (an event) or the day of `to` (censored). Someone who left on day D is gone from the
    /// end of D, so the curves end at the report's rates.
    public init(members: [EmployeeRetention.Member], from: Int64, to: Int64) {
        let start = Day(containing: from), end = Day(containing: to)
        let population = members.filter { $0.hired.startMilliseconds <= from && ($0.left.map { $0.endMilliseconds > from } ?? true) }
        func followed(_ member: EmployeeRetention.Member) -> (days: Int, left: Bool) {
            if let left = member.left, left.endMilliseconds <= to { return (Int(left.ordinal - start.ordinal), true) }
            return (Int(end.ordinal - start.ordinal), false)
        }
        participants = SurvivalCurve(population.filter(\.participated).map(followed))
        nonParticipants = SurvivalCurve(population.filter { !$0.participated }.map(followed))
    }
}
