import TesseraAnalytics
import Testing
import TesseraSamples
import XAPI

/// Who has completed a mandatory program and who is overdue, worked out by hand.
struct ComplianceTests {
    static func person(_ name: String, team: String?, hired: String, left: String? = nil) -> Roster.Person {
        Roster.Person(agent: .mbox("mailto:\(name)@example.com"), name: name, team: team, hired: Day(hired)!, left: left.flatMap(Day.init))
    }

    static func at(_ day: String) -> Int64 { Day(day)!.startMilliseconds + 3_600_000 }

    @Test func dueRulesTakeTheLaterOfDaysAfterHireAndTheDate() {
        let hired = Day("2024-05-01")!
        #expect(Catalog.DueRule(daysAfterHire: 30).dueDay(hired: hired) == Day("2024-05-31"))
        #expect(Catalog.DueRule(date: Day("2024-06-30")).dueDay(hired: hired) == Day("2024-06-30"))
        #expect(Catalog.DueRule(daysAfterHire: 30, date: Day("2024-06-30")).dueDay(hired: hired) == Day("2024-06-30"))
        #expect(Catalog.DueRule(daysAfterHire: 90, date: Day("2024-06-30")).dueDay(hired: hired) == Day("2024-07-30"))
    }

    @Test func statusesCountsAndTheReminderList() {
        let program = Catalog.Program(
            id: "https://p.example/safety", name: "Safety", kind: .upskilling, mode: .mandatory, activities: ["https://a.example/1"],
            due: Catalog.DueRule(daysAfterHire: 30, date: Day("2024-06-30")), mandatoryFor: ["Floor", "Yard"])
        let people = [
            // Due 2024-06-30, completed 06-20: on time.
            PersonCompletions(person: Self.person("ann", team: "Floor", hired: "2020-01-01"), completed: [program.id: Self.at("2024-06-20")]),
            // Due 2024-06-30, completed 07-05: late.
            PersonCompletions(person: Self.person("bo", team: "Floor", hired: "2021-03-01"), completed: [program.id: Self.at("2024-07-05")]),
            // Due 2024-06-30, not completed: overdue since 07-01, 31 days on 07-31.
            PersonCompletions(person: Self.person("cy", team: "Yard", hired: "2019-01-01"), completed: [:]),
            // Hired 07-15: due 30 days later, 08-14, not yet due on 07-31.
            PersonCompletions(person: Self.person("di", team: "Yard", hired: "2024-07-15"), completed: [:]),
            // Completed after the day asked about: not completed then, overdue since 07-01.
            PersonCompletions(person: Self.person("ed", team: "Floor", hired: "2022-01-01"), completed: [program.id: Self.at("2024-08-02")]),
            // Not required of the office; gone before the day; hired after it.
            PersonCompletions(person: Self.person("flo", team: "Office", hired: "2020-01-01"), completed: [:]),
            PersonCompletions(person: Self.person("gus", team: "Floor", hired: "2020-01-01", left: "2024-07-30"), completed: [:]),
            PersonCompletions(person: Self.person("hal", team: "Floor", hired: "2024-08-01"), completed: [:]),
            // Leaves on the day asked about: still counted.
            PersonCompletions(person: Self.person("ida", team: "Yard", hired: "2020-01-01", left: "2024-07-31"), completed: [:]),
        ]
        let asOf = Day("2024-07-31")!
        let report = ProgramCompliance(program: program, people: people, asOf: asOf, team: nil)
        let counts = report.counts
        #expect([counts.people, counts.completed, counts.completedLate, counts.overdue, counts.notYetDue, counts.notCompleted] == [6, 2, 1, 3, 1, 0])
        #expect(report.completionRate == 2.0 / 6)
        #expect(report.teams.map(\.team) == ["Floor", "Yard"])
        #expect(report.teams.map(\.counts.people) == [3, 3])
        // Longest overdue first (all three since 07-01, then by team and name), then the soonest due.
        #expect(report.outstanding.map { $0.person.name } == ["ed", "cy", "ida", "di"])
        #expect(report.outstanding.map(\.status) == [.overdue, .overdue, .overdue, .notYetDue])
        #expect(report.outstanding[0].overdueSince == Day("2024-07-01") && report.outstanding[0].daysOverdue(asOf: asOf) == 31)
        #expect(report.outstanding[3].dueDay == Day("2024-08-14") && report.outstanding[3].daysOverdue(asOf: asOf) == nil)

        let yard = ProgramCompliance(program: program, people: people, asOf: asOf, team: "Yard")
        #expect(yard.counts.people == 3 && yard.counts.overdue == 2 && yard.counts.notYetDue == 1)

        // Without a due rule nobody is overdue: those who have not completed it are listed as such.
        var open = program
        open.due = nil
        let undated = ProgramCompliance(program: open, people: people, asOf: asOf, team: nil)
        #expect(undated.counts.notCompleted == 4 && undated.counts.overdue == 0 && undated.counts.completedLate == 0)
    }

    @Test func catalogDueRulesAreCheckedAndKept() throws {
        let good = #"{"programs":[{"id":"https://p.example/a","name":"A","kind":"upskilling","mode":"mandatory","activities":["https://a.example/1"],"due":{"daysAfterHire":30,"date":"2024-06-30"},"mandatoryFor":["Floor"]}]}"#
        let catalog = try Catalog.read(Array(good.utf8)).get()
        #expect(catalog.programs[0].due == Catalog.DueRule(daysAfterHire: 30, date: Day("2024-06-30")))
        #expect(catalog.programs[0].mandatoryFor == ["Floor"])
        #expect(try Catalog.read(catalog.json()).get() == catalog, "written and read again, the rule is the same")

        let bad = #"{"programs":[{"id":"https://p.example/a","name":"A","kind":"upskilling","mode":"voluntary","activities":["https://a.example/1"],"due":{"daysAfterHire":2.5,"date":"2024-02-30"},"mandatoryFor":["Floor","Floor"]},{"id":"https://p.example/b","name":"B","kind":"upskilling","mode":"mandatory","activities":["https://a.example/1"],"due":{}}]}"#
        guard case .failure(let error) = Catalog.read(Array(bad.utf8)) else {
            Issue.record("a catalog with bad due rules was read")
            return
        }
        let problems = error.problems.map { "\($0.path): \($0.message)" }
        #expect(problems.contains("catalog.programs[0].due.daysAfterHire: must be a whole number of days from 0 to 3650"))
        #expect(problems.contains { $0.hasPrefix("catalog.programs[0].due.date: must be a date") })
        #expect(problems.contains("catalog.programs[0].mandatoryFor[1]: repeats \"Floor\""))
        #expect(problems.contains("catalog.programs[0].mandatoryFor: is for mandatory programs only"))
        #expect(problems.contains("catalog.programs[1].due: must give daysAfterHire, date or both"))
    }

    @Test func monthEndsRunToTheLastDayAsked() {
        #expect(Day.monthEnds(from: Day("2024-01-15")!, to: Day("2024-04-10")!).map(\.description)
                == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-10"])
        #expect(Day.monthEnds(from: Day("2024-12-31")!, to: Day("2025-01-31")!).map(\.description) == ["2024-12-31", "2025-01-31"])
        #expect(Day.monthEnds(from: Day("2024-05-02")!, to: Day("2024-05-01")!).isEmpty)
        #expect(Day("2024-03-31")!.firstOfMonth(monthsBefore: 13) == Day("2023-02-01"))
    }
}

/// Days are written from their ordinal by calendar arithmetic: the same text the timestamp
/// formatter gives, for every day from 1900 to 2200.
struct DayTextTests {
    @Test func everyDayReadsBackAsItself() {
        for ordinal in Int64(-25_567)...Int64(84_000) {
            let day = Day(ordinal: ordinal)
            let text = day.description
            #expect(Day(text) == day, "\(ordinal) → \(text)")
            if ordinal % 997 == 0 { #expect(text == String(XAPITimestamp(milliseconds: day.startMilliseconds).text.prefix(10))) }
        }
        #expect(Day(ordinal: 0).description == "1970-01-01" && Day(ordinal: 19_783).description == "2024-03-01")
        #expect(Day(ordinal: 19_782).description == "2024-02-29")
    }
}

/// Compliance over random rosters against a recomputation written from the definition alone.
struct CompliancePropertyTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func countsAndListsFollowTheDefinition(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        func pick(_ count: UInt64) -> Int64 { Int64(random.next() % count) }
        let teams = ["Floor", "Yard", "Office", nil]
        let program = Catalog.Program(
            id: "https://p.example/safety", name: "Safety", kind: .upskilling, mode: .mandatory, activities: ["https://a.example/1"],
            due: Catalog.DueRule(daysAfterHire: 45, date: Day(ordinal: 19_900)), mandatoryFor: ["Floor", "Yard"])
        let people = (0..<300).map { index -> PersonCompletions in
            let hired = Day(ordinal: 19_500 + pick(700))
            let left = pick(4) == 0 ? Day(ordinal: hired.ordinal + pick(400)) : nil
            let completed = pick(3) == 0 ? nil : hired.startMilliseconds + pick(500) * 86_400_000 + pick(86_400_000)
            return PersonCompletions(
                person: Roster.Person(agent: .mbox("mailto:p\(index)@example.com"), name: "P\(index)", team: teams[Int(pick(4))], hired: hired, left: left),
                completed: completed.map { [program.id: $0] } ?? [:])
        }
        for asOf in [Day(ordinal: 19_850), Day(ordinal: 19_950), Day(ordinal: 20_200)] {
            for team in [nil, "Yard", "Office"] as [String?] {
                let report = ProgramCompliance(program: program, people: people, asOf: asOf, team: team)
                // The definition, written out: who is required, who completed by the end of asOf,
                // and who is past max(hired + 45 days, the date).
                let population = people.filter { record in
                    let person = record.person
                    return ["Floor", "Yard"].contains(person.team ?? "") && (team == nil || person.team == team)
                        && person.hired <= asOf && (person.left == nil || person.left! >= asOf)
                }
                let done = population.filter { ($0.completed[program.id] ?? .max) <= asOf.endMilliseconds }
                let dueDay = { (person: Roster.Person) in max(person.hired.ordinal + 45, 19_900) }
                let overdue = population.filter { record in
                    !done.contains { $0.person == record.person } && dueDay(record.person) < asOf.ordinal
                }
                let late = done.filter { Day(containing: $0.completed[program.id]!).ordinal > dueDay($0.person) }
                #expect(report.counts.people == population.count && report.counts.completed == done.count, "seed \(seed), \(asOf)")
                #expect(report.counts.overdue == overdue.count && report.counts.completedLate == late.count)
                #expect(report.counts.notYetDue == population.count - done.count - overdue.count && report.counts.notCompleted == 0)
                #expect(report.outstanding.count == population.count - done.count)
                #expect(report.teams.map(\.counts.people).reduce(0, +) == report.counts.people, "teams add up")
                #expect(zip(report.outstanding, report.outstanding.dropFirst()).allSatisfy { ($0.dueDay?.ordinal ?? 0) <= ($1.dueDay?.ordinal ?? 0) },
                        "the longest overdue first")
                for entry in report.outstanding where entry.status == .overdue {
                    #expect(entry.daysOverdue(asOf: asOf) == Int(asOf.ordinal - dueDay(entry.person)))
                }
            }
        }
    }
}
