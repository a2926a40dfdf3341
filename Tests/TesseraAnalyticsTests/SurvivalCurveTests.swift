import TesseraAnalytics
import TesseraSamples
import Testing

/// Kaplan–Meier curves against a published example, and the employee curves against the point
/// comparison they stand next to.
struct SurvivalCurveTests {
    @Test func kaplanMeierWithGreenwoodAndLogLogIntervals() throws {
        // Freireich et al. (1963), the 6-MP arm (weeks in remission; false: censored), as every
        // survival textbook and R's survfit(conf.type = "log-log") give it: survival 0.857,
        // 0.807, 0.753, 0.690, 0.627, 0.538, 0.448 with 95% intervals 0.620-0.952 ...
        // 0.188-0.680.
        let weeks: [(days: Int, left: Bool)] = [
            (6, true), (6, true), (6, true), (6, false), (7, true), (9, false), (10, true), (10, false), (11, false), (13, true),
            (16, true), (17, false), (19, false), (20, false), (22, true), (23, true), (25, false), (32, false), (32, false),
            (34, false), (35, false),
        ]
        let curve = SurvivalCurve(weeks)
        let published: [(day: Int, atRisk: Int, left: Int, survival: Double, low: Double, high: Double)] = [
            (6, 21, 3, 0.857, 0.620, 0.952), (7, 17, 1, 0.807, 0.563, 0.923), (10, 15, 1, 0.753, 0.503, 0.889),
            (13, 12, 1, 0.690, 0.432, 0.849), (16, 11, 1, 0.627, 0.368, 0.805), (22, 7, 1, 0.538, 0.268, 0.747),
            (23, 6, 1, 0.448, 0.188, 0.680),
        ]
        #expect(curve.count == 21)
        let start = try #require(curve.steps.first)
        #expect(start.day == 0 && start.atRisk == 21 && start.left == 0 && start.survival == 1 && start.interval == nil)
        let events = Array(curve.steps.dropFirst().dropLast())
        #expect(events.count == published.count)
        for (step, expected) in zip(events, published) {
            #expect(step.day == expected.day && step.atRisk == expected.atRisk && step.left == expected.left)
            #expect(abs(step.survival - expected.survival) < 5e-4, "week \(step.day)")
            let interval = try #require(step.interval)
            #expect(abs(interval.lowerBound - expected.low) < 5e-4 && abs(interval.upperBound - expected.high) < 5e-4, "week \(step.day)")
        }
        // The curve runs on, flat, to the last week followed.
        let last = try #require(curve.steps.last)
        #expect(last.day == 35 && last.left == 0 && abs(last.survival - 0.448) < 5e-4)
        #expect(abs(curve.survival(atDay: 20) - 0.627) < 5e-4)
    }

    @Test func everyoneLeavingEndsTheCurveAtZeroWithoutAnInterval() {
        let curve = SurvivalCurve([(3, true), (5, true)])
        #expect(curve.steps.map(\.survival) == [1, 0.5, 0])
        #expect(curve.steps.last?.interval == nil)
        #expect(SurvivalCurve([]).steps.map(\.survival) == [1])
    }

    /// Random rosters: the curves follow the point comparison's population, end at its rates,
    /// never rise, and their intervals hold the estimate.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func curvesEndAtThePointComparison(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let members = (0..<200).map { _ -> EmployeeRetention.Member in
            let hired = Day(ordinal: 19_000 + Int64(random.next() % 400))
            let left = random.next() % 3 == 0 ? Day(ordinal: hired.ordinal + Int64(random.next() % 500)) : nil
            return EmployeeRetention.Member(team: nil, hired: hired, left: left, participated: random.next() % 2 == 0)
        }
        let from = Day(ordinal: 19_300).endMilliseconds, to = Day(ordinal: 19_600).endMilliseconds
        let point = try #require(EmployeeRetention.report(members: members, from: from, to: to, byTeam: false).first)
        let curves = EmployeeSurvival(members: members, from: from, to: to)
        for (curve, group) in [(curves.participants, point.participants), (curves.nonParticipants, point.nonParticipants)] {
            #expect(curve.count == group.count)
            #expect(abs(curve.survival(atDay: 300) - (group.rate ?? 1)) < 1e-12, "seed \(seed)")
            #expect(curve.steps.last?.day == 300)
            #expect(zip(curve.steps, curve.steps.dropFirst()).allSatisfy { $0.survival >= $1.survival && $0.day < $1.day })
            #expect(curve.steps.allSatisfy { step in step.interval.map { $0.contains(step.survival) } ?? true })
            #expect(curve.steps.map { $0.left }.reduce(0, +) == group.count - group.retained)
        }
    }
}
