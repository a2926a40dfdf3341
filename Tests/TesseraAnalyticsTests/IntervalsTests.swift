import TesseraAnalytics
import Testing

/// The 95% intervals the reports give, against published values.
struct IntervalsTests {
    static func expect(_ interval: ClosedRange<Double>?, _ low: Double, _ high: Double, _ comment: Comment) {
        guard let interval else {
            Issue.record("no interval: \(comment)")
            return
        }
        #expect(abs(interval.lowerBound - low) < 5e-5 && abs(interval.upperBound - high) < 5e-5, "\(interval): \(comment)")
    }

    @Test func wilsonScoreIntervals() {
        // Newcombe (1998), Statistics in Medicine 17, Table I: 81/263 gives 0.2553-0.3662 and
        // 15/148 gives 0.0624-0.1605; the usual textbook example 8/10 gives 0.4902-0.9433.
        Self.expect(Intervals.wilson(81, of: 263), 0.2553, 0.3662, "81 of 263")
        Self.expect(Intervals.wilson(15, of: 148), 0.0624, 0.1605, "15 of 148")
        Self.expect(Intervals.wilson(8, of: 10), 0.4902, 0.9433, "8 of 10")
        // At the ends the interval stays inside 0-1 and touches the end it is at.
        Self.expect(Intervals.wilson(0, of: 10), 0, 0.2775, "none of 10")
        Self.expect(Intervals.wilson(10, of: 10), 0.7225, 1, "all of 10")
        #expect(Intervals.wilson(0, of: 0) == nil, "an empty group has no rate")
        #expect(Intervals.wilson(3, of: 2) == nil, "more counted than there are people")
    }

    @Test func differenceOfTwoRates() {
        // Newcombe (1998), Statistics in Medicine 17, Table II, example (a): 56/70 - 48/80,
        // method 10 (hybrid score): 0.0524-0.3339.
        Self.expect(Intervals.difference((56, 70), (48, 80)), 0.0524, 0.3339, "56/70 - 48/80")
        // It is the same interval, mirrored, the other way round.
        Self.expect(Intervals.difference((48, 80), (56, 70)), -0.3339, -0.0524, "48/80 - 56/70")
        #expect(Intervals.difference((1, 1), (0, 0)) == nil)
    }

    @Test func aGroupUnderTheMinimumIsFlaggedButStillReported() {
        let small = ReportedRate(2, of: 4, minimumGroupSize: 10)
        #expect(small.tooFew && small.rate == 0.5 && small.interval != nil)
        let enough = ReportedRate(4, of: 10, minimumGroupSize: 10)
        #expect(!enough.tooFew, "ten people are enough at the default minimum of ten")
        #expect(ReportedRate(0, of: 0, minimumGroupSize: 1).rate == nil)
    }
}
