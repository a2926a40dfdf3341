import TesseraAnalytics
import TesseraSamples
import Testing
import XAPI

/// The organisation-wide row per skill equals the proficiency report of everyone taken as one
/// team, whatever the teams.
struct ProficiencyBySkillTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func aSkillsRowOverEveryTeamIsTheReportOfEveryoneTogether(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var catalog = Catalog()
        catalog.levels = [Catalog.Level(name: "low", min: 0), Catalog.Level(name: "mid", min: 0.5), Catalog.Level(name: "high", min: 0.8)]
        let skills = ["https://skills.example.com/a", "https://skills.example.com/b", "https://skills.example.com/c"]
        var learners: [LearnerProficiency] = []
        var teams: [String: String] = [:]
        for person in 0..<60 {
            let agent = InverseFunctionalIdentifier.mbox("mailto:p\(person)@example.com")
            if random.next() % 4 != 0 { teams[agent.storageKey] = "Team \(random.next() % 5)" }
            for skill in skills where random.next() % 3 != 0 {
                let latest = Double(random.next() % 101) / 100
                let first = random.next() % 2 == 0 ? Double(random.next() % 101) / 100 : nil
                learners.append(LearnerProficiency(agent: agent, skill: skill, latest: latest, first: first))
            }
        }
        let byTeam = ProficiencyReport.rows(learners, catalog: catalog, teams: teams)
        let together = ProficiencyReport.rows(learners, catalog: catalog, teams: [:])
        let organisation = ProficiencyReport.bySkill(byTeam)
        #expect(organisation.count == skills.count)
        #expect(organisation.allSatisfy { $0.team == ProficiencyReport.everyone })
        for (row, expected) in zip(organisation, together) {
            #expect(ProficiencyRow(
                team: expected.team, skill: row.skill, assessed: row.assessed, meanProficiency: row.meanProficiency, meanGain: row.meanGain,
                gainLearners: row.gainLearners, levels: row.levels) == expected, "seed \(seed), \(row.skill)")
        }
    }
}
