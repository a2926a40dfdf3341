import TesseraAnalytics
import TesseraLRS
import XAPI

/// The dashboard's learner pages: people found by a search, and one person's record across the
/// measures (docs/dashboard.md "Learner view").
enum LearnerPages {
    /// The people matching `search`, each linked to their record.
    static func results(_ people: [Roster.Person], search: String, account: Credential) -> String {
        DashboardLayout.signedIn(title: "Find a learner", account: account) { html in
            DashboardPage.learnerSearch(search, into: &html)
            html.raw(#"<section id="learners"><h2>"#)
            html.escaped(people.isEmpty ? "Nobody matches \"\(search)\"" : "\(HTML.count(people.count)) \(people.count == 1 ? "person matches" : "people match") \"\(search)\"")
            html.raw("</h2>")
            if people.isEmpty {
                DashboardPage.empty("learners", "Search by a person's name, team or e-mail address as the roster lists them; every word must match.", into: &html)
            } else {
                html.raw(#"<table data-table="learners"><thead><tr><th>Name</th><th>Team</th><th>Role</th><th>Identifier</th><th>Hired</th><th>Left</th></tr></thead><tbody>"#)
                for person in people.prefix(AnalyticsResource.learnerSearchLimit) {
                    html.raw("<tr><td>"); link(person.agent, name: person.name, into: &html)
                    for cell in [person.team ?? Roster.unassignedTeam, person.role ?? "", agentText(person.agent), person.hired.description, person.left?.description ?? ""] {
                        html.raw("</td><td>"); html.escaped(cell)
                    }
                    html.raw("</td></tr>")
                }
                html.raw("</tbody></table>")
                if people.count > AnalyticsResource.learnerSearchLimit {
                    html.raw(#"<p class="caption">"#)
                    html.escaped("The first \(AnalyticsResource.learnerSearchLimit) are shown: add a word to narrow the search.")
                    html.raw("</p>")
                }
            }
            html.raw("</section>")
        }
    }

    /// One person's record as of `asOf`.
    static func record(_ record: LearnerRecord, agent: InverseFunctionalIdentifier, catalog: Catalog, asOf: Day, account: Credential) -> String {
        let name = record.person?.name ?? agentText(agent)
        return DashboardLayout.signedIn(title: name, account: account) { html in
            DashboardPage.learnerSearch("", into: &html)
            html.raw(#"<section id="learner"><h2>"#); html.escaped(name); html.raw(#"</h2><p class="caption">"#)
            if let person = record.person {
                html.escaped([person.team.map { "Team \($0)" } ?? "No team", person.role, "hired \(person.hired)",
                              person.left.map { "left \($0)" }, agentText(agent)].compactMap { $0 }.joined(separator: " · "))
            } else {
                html.escaped("\(agentText(agent)) · not on the roster")
            }
            html.raw("</p></section>")
            html.raw(#"<div class="stack">"#)
            skills(record, catalog: catalog, into: &html)
            programs(record, asOf: asOf, into: &html)
            html.raw("</div>")
        }
    }

    private static func skills(_ record: LearnerRecord, catalog: Catalog, into html: inout HTML) {
        html.raw(#"<section id="learner-skills"><h2>Skills</h2><p class="caption">"#)
        html.escaped("Every scored assessment, by skill; a re-assessment is any after the first. The mastery score is \(HTML.score(catalog.masteryScore)).")
        html.raw("</p>")
        let assessed = record.skills.filter { !$0.assessments.isEmpty }
        if let first = assessed.flatMap({ $0.assessments.map(\.at) }).min(), let last = assessed.flatMap({ $0.assessments.map(\.at) }).max() {
            let lines = assessed.enumerated().map { index, skill in
                Charts.Line(name: skill.skill.name, color: Charts.palette[index % Charts.palette.count], points: skill.assessments.map { assessment in
                    let day = Day(containing: assessment.at)
                    return Charts.LinePoint(day: day.ordinal, value: assessment.score,
                                            detail: "\(skill.skill.name), \(day): \(HTML.score(assessment.score))" + (assessment.level.map { " (\($0))" } ?? ""))
                })
            }
            let start = Day(containing: first).ordinal, end = max(Day(containing: last).ordinal, start + 1)
            Charts.lines("learner-scores", label: "Assessment scores over time", lines: lines, days: start...end, range: 0...1,
                         format: HTML.score, axisTitles: ("Day (UTC)", "Score"), into: &html)
        }
        guard !record.skills.isEmpty else {
            DashboardPage.empty("learner-skills", "No assessment or observed behaviour on a skill yet.", into: &html)
            return html.raw("</section>")
        }
        html.raw(#"<table data-table="skills"><thead><tr><th>Skill</th><th class="number">Latest</th><th>Level</th><th class="number">Change since first</th><th class="number">Assessments</th><th class="number">Applied on the job</th><th>Knowledge retention</th></tr></thead><tbody>"#)
        for skill in record.skills {
            let latest = skill.assessments.last
            let applied = skill.observations.filter { $0.success != false }
            let retention = skill.retention.map { pair in
                "\(HTML.score(pair.baseline)) → \(HTML.score(pair.followUp))"
                    + (pair.baseline >= catalog.masteryScore ? (pair.followUp >= catalog.masteryScore ? ", still at mastery" : ", fell below mastery") : "")
            } ?? ""
            let cells = [latest.map { HTML.score($0.score) } ?? "–", latest?.level ?? "", skill.changeSinceFirstAssessment.map { HTML.points($0 * 100) + " points" } ?? "",
                         String(skill.assessments.count), applied.isEmpty ? "" : "\(applied.count), last \(Day(containing: applied.last!.at))", retention]
            html.raw("<tr><td>"); html.escaped(skill.skill.name)
            for (index, cell) in cells.enumerated() {
                html.raw([0, 2, 3, 4].contains(index) ? #"</td><td class="number">"# : "</td><td>"); html.escaped(cell)
            }
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table></section>")
    }

    private static func programs(_ record: LearnerRecord, asOf: Day, into html: inout HTML) {
        html.raw(#"<section id="learner-programs"><h2>Programs</h2><p class="caption">"#)
        html.escaped("Completed when every activity of the program is; mandatory programs against their due date on \(asOf).")
        html.raw(#"</p><table data-table="programs"><thead><tr><th>Program</th><th>Kind</th><th class="number">Activities done</th><th>Completed</th><th>Mandatory training</th></tr></thead><tbody>"#)
        for program in record.programs {
            var status = ""
            if let person = record.person, program.program.isRequired(ofTeam: person.team) {
                let entry = ProgramCompliance.entry(program.program, person: person, completedAt: program.completedAt, asOf: asOf)
                switch entry.status {
                case .completed: status = entry.completedLate ? "completed late (due \(entry.dueDay!))" : "completed"
                case .overdue: status = "overdue since \(entry.overdueSince!), \(entry.daysOverdue(asOf: asOf)!) days"
                case .notYetDue: status = "due \(entry.dueDay!)"
                case .notCompleted: status = "not completed (no due date)"
                }
            }
            html.raw("<tr><td>"); html.escaped(program.program.name)
            html.raw("</td><td>"); html.escaped("\(program.program.kind.rawValue), \(program.program.mode.rawValue)")
            html.raw(#"</td><td class="number">"#); html.escaped("\(program.activitiesCompleted) of \(Set(program.program.activities).count)")
            html.raw("</td><td>"); html.escaped(program.completedAt.map { Day(containing: $0).description } ?? "")
            html.raw(status.hasPrefix("overdue") ? #"</td><td class="overdue">"# : "</td><td>"); html.escaped(status)
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table></section>")
    }

    /// A link to the learner view of `agent`.
    static func link(_ agent: InverseFunctionalIdentifier, name: String?, asOf: Day? = nil, into html: inout HTML) {
        var href = "/dashboard/learner?agent=" + DashboardPage.query(agentJSON(agent))
        if let asOf { href += "&asOf=\(asOf)" }
        html.raw(#"<a href="\#(HTML.escape(href))">"#)
        html.escaped(name ?? agentText(agent))
        html.raw("</a>")
    }

    /// The agent as the xAPI JSON the learner page's `agent` parameter takes.
    static func agentJSON(_ agent: InverseFunctionalIdentifier) -> String {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.identifier(agent)
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The agent as people read it: the address without `mailto:`, or the account.
    static func agentText(_ agent: InverseFunctionalIdentifier) -> String {
        switch agent {
        case .mbox(let mbox): return mbox.hasPrefix("mailto:") ? String(mbox.dropFirst(7)) : mbox
        case .mboxSHA1Sum(let sum): return "sha1 " + sum
        case .openID(let openID): return openID
        case .account(let homePage, let name): return "\(name) at \(homePage)"
        }
    }
}
