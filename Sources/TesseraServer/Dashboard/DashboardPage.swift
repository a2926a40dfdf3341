import TesseraAnalytics
import TesseraLRS

/// The dashboard page for one report: filters, headline figures and the five charts, each
/// with a caption that says what it counts, or an explanation when there is nothing to show.
struct DashboardPage {
    let report: DashboardReport
    /// Who is signed in.
    let account: Credential
    /// Groups smaller than this are drawn too few to compare.
    let minimumGroupSize: Int

    /// The page, with `problem` (a filter that could not be used) above the charts when set.
    /// Without a report, the form offers `choices` of teams and programs.
    static func render(
        _ report: DashboardReport?, filters: DashboardFilters, account: Credential, minimumGroupSize: Int, problem: DashboardFilters.Invalid?,
        choices: (teams: [String], programs: [Catalog.Program]) = ([], [])
    ) -> String {
        DashboardLayout.signedIn(title: "Learning dashboard", account: account) { html in
            if let problem {
                html.raw(#"<p class="error" role="alert" data-field=""#); html.escaped(problem.field); html.raw(#"">"#)
                html.escaped("\(problem.field) \(problem.reason)")
                html.raw("</p>")
            }
            if let report {
                DashboardPage(report: report, account: account, minimumGroupSize: minimumGroupSize).body(into: &html)
            } else {
                filterForm(filters, teams: choices.teams, programs: choices.programs, into: &html)
            }
        }
    }

    private func body(into html: inout HTML) {
        var shown = report.filters
        (shown.from, shown.to, shown.cohort) = (report.from, report.to, report.cohort)
        Self.filterForm(shown, teams: report.teams, programs: report.catalog?.programs ?? [], into: &html)
        Self.learnerSearch("", into: &html)
        tiles(into: &html)
        html.raw(#"<div class="grid">"#)
        compliance(into: &html)
        volume(into: &html)
        proficiency(into: &html)
        trend(into: &html)
        outcomes(into: &html)
        knowledge(into: &html)
        employees(into: &html)
        html.raw("</div>")
    }

    // MARK: Filters and headline figures

    private static func filterForm(_ filters: DashboardFilters, teams: [String], programs: [Catalog.Program], into html: inout HTML) {
        html.raw(#"<form class="filters" method="get" action="/dashboard">"#)
        for (name, label, value) in [("from", "From", filters.from), ("to", "To", filters.to), ("cohort", "Retention cohort date", filters.cohort)] {
            html.raw(#"<label>\#(label)<input type="date" name="\#(name)" value=""#)
            html.escaped(value?.description ?? "")
            html.raw(#""></label>"#)
        }
        select("team", label: "Team", all: "All teams", options: teams.map { ($0, $0) }, chosen: filters.team, into: &html)
        select("program", label: "Program", all: "All programs", options: programs.map { ($0.id, $0.name) }, chosen: filters.program, into: &html)
        html.raw(#"<button type="submit">Apply</button></form>"#)
    }

    /// The form that finds one learner by name, team or address.
    static func learnerSearch(_ search: String, into html: inout HTML) {
        html.raw(#"<form class="find" method="get" action="/dashboard/learners"><label>Find a learner<input type="search" name="search" placeholder="Name, team or e-mail" value=""#)
        html.escaped(search)
        html.raw(#""></label><button type="submit">Find</button></form>"#)
    }

    private static func select(
        _ name: String, label: String, all: String, options: [(value: String, text: String)], chosen: String?, into html: inout HTML
    ) {
        html.raw(#"<label>\#(label)<select name="\#(name)"><option value="">\#(all)</option>"#)
        var listed = options
        if let chosen, !options.contains(where: { $0.value == chosen }) { listed.append((chosen, chosen)) }
        for option in listed {
            html.raw(#"<option value=""#); html.escaped(option.value); html.raw(#"""#)
            if option.value == chosen { html.raw(" selected") }
            html.raw(">"); html.escaped(option.text); html.raw("</option>")
        }
        html.raw("</select></label>")
    }

    private func tiles(into html: inout HTML) {
        let statements = report.volume.reduce(0) { $0 + $1.statements }
        let enrolled = report.outcomes.reduce(0) { $0 + $1.enrolled }
        let completed = report.outcomes.reduce(0) { $0 + $1.completed }
        let changed = report.outcomes.reduce(0) { $0 + $1.behaviorChanged }
        var figures: [(String, String)] = [
            (HTML.count(statements), "statements from \(report.from) to \(report.to)"),
            (completed == 0 && enrolled == 0 ? "–" : "\(HTML.count(completed)) of \(HTML.count(enrolled))", "program enrolments completed"),
            (enrolled == 0 ? "–" : HTML.percent(Double(completed) / Double(enrolled)), "completion rate"),
            (completed == 0 ? "–" : HTML.percent(Double(changed) / Double(completed)), "of completers applied it on the job"),
        ]
        if let gap = report.employees?.differencePoints {
            figures.append((HTML.points(gap), "points of retention gap, trained minus not trained"))
        }
        html.raw(#"<div class="tiles">"#)
        for (value, label) in figures {
            html.raw(#"<div class="tile"><b>"#); html.escaped(value); html.raw("</b><span>"); html.escaped(label); html.raw("</span></div>")
        }
        html.raw("</div>")
    }

    // MARK: Charts

    func open(_ id: String, _ title: String, caption: String, into html: inout HTML) {
        html.raw(#"<section id="\#(id)"><h2>\#(HTML.escape(title))</h2><p class="caption">"#)
        html.escaped(caption)
        html.raw("</p>")
    }

    static func empty(_ chart: String, _ explanation: String, into html: inout HTML) {
        html.raw(#"<p class="empty" data-empty="\#(chart)">"#); html.escaped(explanation); html.raw("</p>")
    }

    /// Whose figures these are, for captions.
    var scope: String {
        [report.filters.team.map { "team \($0)" }, report.filters.program.map { "program \(programName($0))" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    func programName(_ id: String) -> String { report.catalog?.programs.first { $0.id == id }?.name ?? id }

    var noCatalog: String {
        "No catalog yet. The catalog lists your skills and programs and the courses that belong to them; once your Tessera administrator has loaded it (docs/analytics.md), this chart fills in."
    }

    private func volume(into html: inout HTML) {
        let buckets = VolumeBuckets(from: report.from, to: report.to, days: report.volume)
        open("volume", "Statement volume", caption: "Statements from identified learners per \(buckets.unit), by their timestamp; voided statements are not counted"
            + (scope.isEmpty ? "." : " (\(scope)).") , into: &html)
        guard !report.volume.isEmpty else {
            Self.empty("volume", "No statements from identified learners between \(report.from) and \(report.to)"
                + (scope.isEmpty ? "" : " for \(scope)")
                + ". Your courses send a record to Tessera each time a learner uses them: widen the dates if the records are older, or ask your Tessera administrator whether the courses are connected.", into: &html)
            return html.raw("</section>")
        }
        Charts.columns(
            "volume", label: "Statements per \(buckets.unit)", columns: buckets.columns, axisTitles: (buckets.axisTitle, "Statements"), into: &html)
        html.raw("</section>")
    }

    private func proficiency(into html: inout HTML) {
        open("proficiency", "Skill proficiency by team", caption: "Mean of each learner's latest assessment score in the skill, as of \(report.to), and how many people were assessed; the colours span the lowest to the highest mean shown, and faint cells are fewer than \(minimumGroupSize) people: too few to compare. Hover a cell for the change since each learner's first score.", into: &html)
        guard report.catalog != nil else { Self.empty("proficiency", noCatalog, into: &html); return html.raw("</section>") }
        guard !report.proficiency.isEmpty else {
            Self.empty("proficiency", "No assessment scores on a skill up to \(report.to)" + (scope.isEmpty ? "" : " for \(scope)")
                + ". Proficiency counts statements with an assessment verb (passed, failed, scored), a score, and a skill: an activity the catalog lists under the skill, or a context category under a skill prefix.", into: &html)
            return html.raw("</section>")
        }
        // Over every team, a first row for the whole organisation.
        let organisation = report.filters.team == nil ? ProficiencyReport.bySkill(report.proficiency) : []
        let teams = (organisation.isEmpty ? [] : [ProficiencyReport.everyone]) + Array(Set(report.proficiency.map(\.team))).sorted()
        let skills = Array(Set(report.proficiency.map(\.skill))).sorted { report.skillName($0) < report.skillName($1) }
        let rows = Dictionary((organisation + report.proficiency).map { ("\($0.team)\u{1F}\($0.skill)", $0) }, uniquingKeysWith: { first, _ in first })
        func name(_ team: String) -> String { team == ProficiencyReport.everyone ? "All teams" : team }
        let cells = teams.map { team in
            skills.map { skill -> Charts.Cell in
                guard let row = rows["\(team)\u{1F}\(skill)"] else { return Charts.Cell(value: nil, detail: "\(name(team)) · \(report.skillName(skill)): nobody assessed") }
                let gain = row.meanGain.map {
                    ", change since first assessment \(HTML.points($0 * 100)) points over the \(row.gainLearners) with a later one"
                } ?? ""
                return Charts.Cell(
                    value: row.meanProficiency, people: row.assessed, tooFew: row.assessed < minimumGroupSize,
                    detail: "\(name(team)) · \(report.skillName(skill)): mean \(HTML.score(row.meanProficiency)), \(row.assessed) assessed\(gain)")
            }
        }
        Charts.heatMap(
            "proficiency", label: "Mean proficiency by team and skill", rows: teams.map(name),
            columns: skills.map(report.skillName), cells: cells, into: &html)
        html.raw("</section>")
    }

    private func outcomes(into html: inout HTML) {
        open("outcomes", "Completion vs behaviour change", caption: "Per program, \(report.from) to \(report.to): the share of enrolled people who completed, and the share of completers later seen applying a program skill on the job (within \(DashboardReport.behaviorWindowDays) days)" + (scope.isEmpty ? "." : " (\(scope))."), into: &html)
        guard let catalog = report.catalog else { Self.empty("outcomes", noCatalog, into: &html); return html.raw("</section>") }
        guard !catalog.programs.isEmpty else {
            Self.empty("outcomes", "The catalog lists no programs: add programs (their activities and the skills they build) to compare completion with behaviour change.", into: &html)
            return html.raw("</section>")
        }
        guard report.outcomes.contains(where: { $0.enrolled > 0 }) else {
            Self.empty("outcomes", "Nobody enrolled in \(report.filters.program.map(programName) ?? "any program") between \(report.from) and \(report.to)"
                + (report.filters.team.map { " in team \($0)" } ?? "") + ". A person enrols with any statement about a program or one of its activities.", into: &html)
            return html.raw("</section>")
        }
        let series = [Charts.Series(name: "Completed (of enrolled)", color: Charts.first), Charts.Series(name: "Applied on the job (of completers)", color: Charts.second)]
        func group(_ label: String, _ enrolled: Int, _ completed: Int, _ changed: Int) -> Charts.BarGroup {
            let rates = [ReportedRate(completed, of: enrolled, minimumGroupSize: minimumGroupSize),
                         ReportedRate(changed, of: completed, minimumGroupSize: minimumGroupSize)]
            return Charts.BarGroup(label: label, values: rates.map(\.rate), details: [
                "\(label): \(completed) of \(enrolled) enrolled completed",
                "\(label): \(changed) of \(completed) completers applied it",
            ], missing: ["nobody enrolled", enrolled == 0 ? "" : "nobody completed"], intervals: rates.map(\.interval),
               labels: rates.map(Self.shareLabel), tooFew: rates.map(\.tooFew))
        }
        Charts.bars("outcomes", label: "Completion and behaviour change per program", series: series, groups: report.outcomes.map {
            group($0.program.name, $0.enrolled, $0.completed, $0.behaviorChanged)
        }, format: HTML.percent, into: &html)
        html.raw(#"<p class="caption">"#)
        html.escaped(honesty)
        html.raw("</p>")
        let totals = OutcomeTotals.byKindAndMode(report.outcomes)
        html.raw(#"<p class="caption">Totals by kind (upskilling, reskilling) and mode (mandatory, voluntary):</p>"#)
        Charts.bars("outcome-totals", label: "Completion and behaviour change by kind and mode", series: series, groups: (totals.byKind + totals.byMode).map {
            group($0.group.prefix(1).uppercased() + $0.group.dropFirst(), $0.enrolled, $0.completed, $0.behaviorChanged)
        }, format: HTML.percent, into: &html)
        html.raw("</section>")
    }

    private func knowledge(into html: inout HTML) {
        let minDays = KnowledgeRetention.defaultMinDays
        open("knowledge", "Knowledge retention", caption: "Per skill: mean score when first passed, and on the first re-assessment at least \(minDays) days later, over the people with both (the count beside the first bar); the line is the mastery score; faint bars are fewer than \(minimumGroupSize) people. All dates" + (scope.isEmpty ? "." : " (\(scope))."), into: &html)
        guard let catalog = report.catalog else { Self.empty("knowledge", noCatalog, into: &html); return html.raw("</section>") }
        guard !report.knowledge.isEmpty else {
            Self.empty("knowledge", "No learner has been re-assessed yet" + (scope.isEmpty ? "" : " for \(scope)")
                + ": this needs a first passed score on a skill and an assessment score at least \(minDays) days later.", into: &html)
            return html.raw("</section>")
        }
        let series = [Charts.Series(name: "First pass", color: Charts.first), Charts.Series(name: "Re-assessment", color: Charts.second)]
        Charts.bars("knowledge", label: "Knowledge retention per skill", series: series, groups: report.knowledge.map { row in
            let name = report.skillName(row.skill)
            return Charts.BarGroup(label: name, values: [row.meanBaseline, row.meanFollowUp], details: [
                "\(name): mean first pass \(HTML.score(row.meanBaseline)) over \(row.pairs) learners",
                "\(name): mean re-assessment \(HTML.score(row.meanFollowUp)); \(row.stillAtMastery) of the \(row.reachedMastery) who reached mastery still there",
            ], labels: [HTML.score(row.meanBaseline) + " · \(row.pairs) people", HTML.score(row.meanFollowUp)],
               tooFew: [row.pairs < minimumGroupSize, row.pairs < minimumGroupSize])
        }, format: HTML.score, reference: (catalog.masteryScore, "mastery \(HTML.score(catalog.masteryScore))"), into: &html)
        html.raw(#"<p class="caption">Of the people whose first pass reached mastery (\#(HTML.escape(HTML.score(catalog.masteryScore))) or more), the share still at mastery on the re-assessment:</p>"#)
        let stillThere = Charts.Series(name: "Still at mastery (of those who reached it)", color: Charts.first)
        Charts.bars("mastery", label: "Still at mastery, of those who reached it", series: [stillThere], groups: report.knowledge.map { row in
            let name = report.skillName(row.skill)
            let rate = ReportedRate(row.stillAtMastery, of: row.reachedMastery, minimumGroupSize: minimumGroupSize)
            return Charts.BarGroup(
                label: name, values: [rate.rate], details: ["\(name): \(row.stillAtMastery) of the \(row.reachedMastery) who reached mastery still at it"],
                missing: ["nobody reached mastery"], intervals: [rate.interval], labels: [Self.shareLabel(rate)], tooFew: [rate.tooFew])
        }, format: HTML.percent, into: &html)
        html.raw(#"<p class="caption">"#)
        html.escaped(honesty)
        html.raw("</p></section>")
    }

    private func employees(into html: inout HTML) {
        let program = report.filters.program.map(programName) ?? "a program"
        open("employees", "Employee retention", caption: "People employed on \(report.cohort): those who had completed \(program) by then (trained) against the rest, and the share still employed on \(report.to)" + (report.filters.team.map { " (team \($0))." } ?? "."), into: &html)
        guard report.catalog != nil else { Self.empty("employees", noCatalog, into: &html); return html.raw("</section>") }
        guard report.hasRoster else {
            Self.empty("employees", "No roster yet. The roster says who works here, in which team, and when they joined and left; once your Tessera administrator has loaded it, this chart compares who stayed.", into: &html)
            return html.raw("</section>")
        }
        guard let row = report.employees, row.participants.count + row.nonParticipants.count > 0 else {
            Self.empty("employees", report.cohort < report.to
                ? "Nobody on the roster\(report.filters.team.map { " in team \($0)" } ?? "") was employed on \(report.cohort)."
                : "The cohort date (\(report.cohort)) must be before the end of the period (\(report.to)).", into: &html)
            return html.raw("</section>")
        }
        let trained = ReportedRate(row.participants.retained, of: row.participants.count, minimumGroupSize: minimumGroupSize)
        let untrained = ReportedRate(row.nonParticipants.retained, of: row.nonParticipants.count, minimumGroupSize: minimumGroupSize)
        if let gap = row.differencePoints {
            let tooFew = trained.tooFew || untrained.tooFew
            html.raw(#"<p class="gap" data-gap="\#(HTML.unit(gap))"\#(tooFew ? " data-too-few" : "")>Gap: <b>"#)
            html.escaped(HTML.points(gap) + " points")
            html.raw("</b> ")
            html.escaped(Self.gapReading(gap, interval: Intervals.difference(
                (row.participants.retained, row.participants.count), (row.nonParticipants.retained, row.nonParticipants.count)),
                tooFew: tooFew, minimumGroupSize: minimumGroupSize))
            html.raw("</p>")
        } else {
            html.raw(#"<p class="caption" data-no-gap>"#)
            html.escaped(row.participants.count == 0
                ? "Nobody here had completed \(program) by \(report.cohort), so there is no gap to show."
                : "Everyone here had completed \(program) by \(report.cohort), so there is no gap to show.")
            html.raw("</p>")
        }
        let groups = [("Trained", row.participants, trained), ("Not trained", row.nonParticipants, untrained)].map { label, group, rate in
            Charts.BarGroup(
                label: "\(label) (\(group.count))", values: [group.rate], details: ["\(label): \(group.retained) of \(group.count) still employed"],
                missing: ["nobody"], intervals: [rate.interval], labels: [Self.shareLabel(rate)], tooFew: [rate.tooFew])
        }
        Charts.bars("employees", label: "Employee retention, trained vs not trained", series: [Charts.Series(name: "Still employed (of the group)", color: Charts.first)], groups: groups, format: HTML.percent, into: &html)
        html.raw(#"<p class="caption">"#)
        html.escaped(honesty)
        html.raw("</p>")
        employeeCurves(into: &html)
        html.raw("</section>")
    }

    // MARK: Reading the figures

    /// What the whiskers and faint bars mean, under each chart of rates.
    var honesty: String {
        "Each bar is a share of the group named in its label, with the count beside it; the black whisker is its 95% interval (Wilson). "
            + "Faint bars are groups of fewer than \(minimumGroupSize) people: too few to compare."
    }

    /// "79% · 89 of 113": a share with the counts behind it.
    static func shareLabel(_ rate: ReportedRate) -> String {
        guard let value = rate.rate else { return "" }
        return "\(HTML.percent(value)) · \(HTML.count(rate.count)) of \(HTML.count(rate.total))"
    }

    /// How to read a retention gap: its interval, whether the groups are big enough, and that it
    /// is an association.
    static func gapReading(_ gap: Double, interval: ClosedRange<Double>?, tooFew: Bool, minimumGroupSize: Int) -> String {
        let direction = gap >= 0 ? "People who had trained were still employed more often" : "People who had trained were still employed less often"
        guard !tooFew else {
            return "Too few to compare: one of the groups has fewer than \(minimumGroupSize) people, so this gap says little either way."
        }
        let range = interval.map { " (95% interval \(HTML.points($0.lowerBound * 100)) to \(HTML.points($0.upperBound * 100)) points)" } ?? ""
        let spansZero = interval.map { $0.lowerBound < 0 && $0.upperBound > 0 } ?? true
        return direction + range + "." + (spansZero ? " The interval includes 0, so these data do not show a difference either way." : "")
            + " This is an association: it does not show that training made people stay."
    }
}
