import Foundation
import TesseraAnalytics
import TesseraLRS

/// The dashboard's panels for compliance, proficiency over time and retention curves.
extension DashboardPage {
    /// The most overdue people listed on the page; the download has everyone.
    static let overdueListed = 12

    func compliance(into html: inout HTML) {
        open("compliance", "Mandatory training", caption: "Who must complete each mandatory program and has, on \(report.to): everyone on the roster it is required of (its teams), employed that day. Overdue: past the program's due date without completing it" + (scope.isEmpty ? "." : " (\(scope))."), into: &html)
        guard report.catalog != nil else { Self.empty("compliance", noCatalog, into: &html); return html.raw("</section>") }
        guard !report.compliance.isEmpty else {
            Self.empty("compliance", report.filters.program == nil
                ? "The catalog marks no program as mandatory. Mark a program mandatory, and give it a due rule, to follow who has completed it."
                : "\(report.filters.program.map(programName) ?? "This program") is voluntary: nobody is required to complete it.", into: &html)
            return html.raw("</section>")
        }
        guard report.hasRoster else {
            Self.empty("compliance", "No roster yet: the roster says who must complete the mandatory programs. Once your Tessera administrator has loaded it, this panel lists who has not.", into: &html)
            return html.raw("</section>")
        }
        let rates = report.compliance.map { ReportedRate($0.counts.completed, of: $0.counts.people, minimumGroupSize: minimumGroupSize) }
        Charts.bars("compliance", label: "Mandatory programs completed", series: [Charts.Series(name: "Completed (of the people it is required of)", color: Charts.first)],
                    groups: zip(report.compliance, rates).map { program, rate in
            Charts.BarGroup(
                label: program.program.name, values: [rate.rate],
                details: ["\(program.program.name): \(program.counts.completed) of \(program.counts.people) completed, \(program.counts.overdue) overdue"],
                missing: ["nobody is required to"], intervals: [rate.interval], labels: [Self.shareLabel(rate)], tooFew: [rate.tooFew])
        }, format: HTML.percent, into: &html)
        html.raw(#"<p class="caption" data-due>Due: "#)
        html.escaped(report.compliance.map { "\($0.program.name) \(Self.dueRule($0.program.due))" }.joined(separator: "; ") + ".")
        html.raw("</p>")
        html.raw(#"<table data-table="compliance"><thead><tr><th>Program</th><th>Team</th><th class="number">Required of</th><th class="number">Completed</th><th class="number">Overdue</th><th class="number">Not yet due</th></tr></thead><tbody>"#)
        for program in report.compliance {
            for (team, counts) in program.teams {
                html.raw("<tr><td>"); html.escaped(program.program.name); html.raw("</td><td>"); html.escaped(team); html.raw("</td>")
                for (value, overdue) in [(counts.people, false), (counts.completed, false), (counts.overdue, true), (counts.notYetDue, false)] {
                    html.raw(#"<td class="number\#(overdue && value > 0 ? " overdue" : "")">\#(HTML.count(value))</td>"#)
                }
                html.raw("</tr>")
            }
        }
        html.raw("</tbody></table>")
        let overdue = report.compliance.flatMap { program in program.outstanding.filter { $0.status == .overdue }.map { (program.program, $0) } }
            .sorted { ($0.1.dueDay?.ordinal ?? 0) < ($1.1.dueDay?.ordinal ?? 0) }
        if !overdue.isEmpty {
            html.raw(#"<p class="caption">Overdue the longest:</p><table data-table="overdue"><thead><tr><th>Person</th><th>Team</th><th>Program</th><th>Due</th><th class="number">Days overdue</th></tr></thead><tbody>"#)
            for (program, entry) in overdue.prefix(Self.overdueListed) {
                html.raw("<tr><td>"); LearnerPages.link(entry.person.agent, name: entry.person.name, asOf: report.to, into: &html)
                html.raw("</td><td>"); html.escaped(entry.person.team ?? Roster.unassignedTeam)
                html.raw("</td><td>"); html.escaped(program.name)
                html.raw("</td><td>"); html.escaped(entry.dueDay?.description ?? "")
                html.raw(#"</td><td class="number overdue">"#); html.escaped(entry.daysOverdue(asOf: report.to).map(String.init) ?? "")
                html.raw("</td></tr>")
            }
            html.raw("</tbody></table>")
        }
        var download = "/dashboard/compliance.csv?asOf=\(report.to)"
        if let team = report.filters.team { download += "&team=" + Self.query(team) }
        if let program = report.filters.program { download += "&program=" + Self.query(program) }
        html.raw(#"<p class="caption"><a data-download="compliance" href="\#(HTML.escape(download))">Download everyone outstanding (CSV</a>: "#)
        html.escaped("\(report.compliance.map { $0.outstanding.count }.reduce(0, +)) rows, with e-mail addresses, to send reminders).")
        html.raw("</p></section>")
    }

    /// "By 2024-06-30, or within 60 days of joining": a due rule in words.
    static func dueRule(_ rule: Catalog.DueRule?) -> String {
        switch (rule?.date, rule?.daysAfterHire) {
        case let (date?, days?): return "by \(date), or within \(days) days of joining"
        case let (date?, nil): return "by \(date)"
        case let (nil, days?): return "within \(days) days of joining"
        case (nil, nil): return "no due date"
        }
    }

    func trend(into html: inout HTML) {
        open("trend", "Proficiency over time", caption: "Mean of each learner's latest assessment score in the skill at the end of each month, \(report.trend.first?.day.description ?? "") to \(report.to)" + (report.filters.team.map { ", team \($0)" } ?? ", all teams") + ". A learner counts once assessed; faint points are fewer than \(minimumGroupSize) people: too few to compare.", into: &html)
        guard report.catalog != nil else { Self.empty("trend", noCatalog, into: &html); return html.raw("</section>") }
        let skills = Array(Set(report.trend.flatMap { $0.rows.map(\.skill) })).sorted { report.skillName($0) < report.skillName($1) }
        guard !skills.isEmpty, let first = report.trend.first else {
            Self.empty("trend", "No assessment scores on a skill in the last twelve months of the period" + (scope.isEmpty ? "." : " for \(scope)."), into: &html)
            return html.raw("</section>")
        }
        let lines = skills.enumerated().map { index, skill in
            let name = report.skillName(skill)
            return Charts.Line(name: name, color: Charts.palette[index % Charts.palette.count], points: report.trend.compactMap { day, rows in
                rows.first { $0.skill == skill }.map { row in
                    Charts.LinePoint(
                        day: day.ordinal, value: row.meanProficiency,
                        detail: "\(name), \(day): mean \(HTML.score(row.meanProficiency)) over \(row.assessed) assessed", tooFew: row.assessed < minimumGroupSize)
                }
            })
        }
        let values = report.trend.flatMap { $0.rows.map(\.meanProficiency) }
        Charts.lines("trend", label: "Mean proficiency per skill by month", lines: lines, days: first.day.ordinal...report.to.ordinal,
                     range: Charts.shadeRange(of: values), format: HTML.score, axisTitles: ("Month's end (UTC)", "Mean proficiency"), into: &html)
        html.raw("</section>")
    }

    func employeeCurves(into html: inout HTML) {
        guard let curves = report.employeeCurves, curves.participants.count + curves.nonParticipants.count > 0 else { return }
        html.raw(#"<p class="caption">Over time: the share of each group still employed, day by day from \#(report.cohort) (Kaplan–Meier), with its 95% band.</p>"#)
        let start = report.cohort.ordinal
        let lines = [("Trained", curves.participants, Charts.first), ("Not trained", curves.nonParticipants, Charts.second)].compactMap { label, curve, color -> Charts.Line? in
            guard curve.count > 0 else { return nil }
            let tooFew = curve.count < minimumGroupSize
            return Charts.Line(name: "\(label) (\(curve.count))", color: color, points: curve.steps.map { step in
                let day = Day(ordinal: start + Int64(step.day))
                return Charts.LinePoint(
                    day: day.ordinal, value: step.survival,
                    detail: "\(label), \(day): \(HTML.percent(step.survival)) still employed (\(step.left) left that day, \(step.atRisk) still employed before it)",
                    band: step.interval, tooFew: tooFew)
            }, steps: true)
        }
        let lowest = lines.flatMap { $0.points.map { $0.band?.lowerBound ?? $0.value } }.min() ?? 0
        Charts.lines("employee-curves", label: "Share still employed over time, trained vs not trained", lines: lines, days: start...report.to.ordinal,
                     range: max(0, min((lowest * 10).rounded(.down) / 10, 0.9))...1, format: HTML.percent, axisTitles: ("Day (UTC)", "Still employed"), into: &html)
    }

    /// `text` for a query string: everything but RFC 3986's unreserved characters encoded.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
