import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// GET /analytics/compliance: per mandatory program, who on the roster has completed it, who
/// has not, and who is overdue (docs/analytics.md "Compliance").
extension AnalyticsResource {
    /// The report in the format asked for, or in `format` when given.
    func compliance(_ request: Request, _ context: XAPIRequestContext, format: ResultFormat? = nil) async throws -> Response {
        let (parameters, asked) = try read(request, context, known: ["program", "team", "asOf"], path: "/analytics/compliance")
        let format = format ?? asked
        let asOf = try parameters["asOf"].map { Day(containing: try Self.time($0, "asOf", endOfDay: true)) } ?? Day(containing: XAPITimestamp.now().milliseconds)
        let program = try parameters["program"].map { try Parameters.iri($0, "program") }
        let team = try await team(parameters)
        guard let (catalog, people) = try await store.programCompletions(until: asOf.endMilliseconds) else { throw Self.noCatalog() }
        let mandatory = catalog.programs.filter { $0.mode == .mandatory }
        if let program, !mandatory.contains(where: { $0.id == program }) {
            throw XAPIError.badParameter("program", "is not a mandatory program of the catalog (mandatory programs: \(Self.listed(mandatory.map(\.id))))")
        }
        let reports = mandatory.filter { program == nil || $0.id == program }
            .map { ProgramCompliance(program: $0, people: people, asOf: asOf, team: team) }
        switch format {
        case .csv:
            var rows = [["program", "programName", "team", "name"] + Roster.identifierColumns
                        + ["hired", "status", "dueDate", "overdueSince", "daysOverdue"]]
            for report in reports {
                for entry in report.outstanding {
                    rows.append([report.program.id, report.program.name, entry.person.team ?? Roster.unassignedTeam, entry.person.name ?? ""]
                                + Roster.identifierCells(entry.person.agent)
                                + [entry.person.hired.description, entry.status.rawValue, entry.dueDay?.description ?? "",
                                   entry.overdueSince?.description ?? "", entry.daysOverdue(asOf: asOf).map(String.init) ?? ""])
                }
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 1024)
            writer.beginObject()
            writer.key("asOf"); writer.string(asOf.description)
            writer.key("team")
            if let team { writer.string(team) } else { writer.null() }
            writer.key("minimumGroupSize"); writer.number(String(minimumGroupSize))
            writer.key("programs")
            writer.beginArray()
            for report in reports { complianceProgram(report, asOf: asOf, &writer) }
            writer.endArray()
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }

    private func complianceProgram(_ report: ProgramCompliance, asOf: Day, _ writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("program"); writer.string(report.program.id)
        writer.key("name"); writer.string(report.program.name)
        writer.key("kind"); writer.string(report.program.kind.rawValue)
        writer.key("due")
        if let due = report.program.due {
            writer.beginObject()
            writer.key("daysAfterHire")
            if let days = due.daysAfterHire { writer.number(String(days)) } else { writer.null() }
            writer.key("date")
            if let date = due.date { writer.string(date.description) } else { writer.null() }
            writer.endObject()
        } else {
            writer.null()
        }
        complianceCounts(report.counts, &writer)
        writer.key("teams")
        writer.beginArray()
        for (team, counts) in report.teams {
            writer.beginObject()
            writer.key("team"); writer.string(team)
            complianceCounts(counts, &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.key("outstanding")
        writer.beginArray()
        for entry in report.outstanding {
            writer.beginObject()
            writer.key("agent")
            writer.beginObject()
            writer.identifier(entry.person.agent)
            writer.endObject()
            writer.key("name")
            if let name = entry.person.name { writer.string(name) } else { writer.null() }
            writer.key("team"); writer.string(entry.person.team ?? Roster.unassignedTeam)
            writer.key("hired"); writer.string(entry.person.hired.description)
            writer.key("status"); writer.string(entry.status.rawValue)
            writer.key("dueDate")
            if let due = entry.dueDay { writer.string(due.description) } else { writer.null() }
            writer.key("overdueSince")
            if let since = entry.overdueSince { writer.string(since.description) } else { writer.null() }
            writer.key("daysOverdue")
            if let days = entry.daysOverdue(asOf: asOf) { writer.number(String(days)) } else { writer.null() }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    /// The counts of a program or team, and its completion rate with interval.
    private func complianceCounts(_ counts: ProgramCompliance.Counts, _ writer: inout JSONWriter) {
        writer.key("people"); writer.number(String(counts.people))
        writer.key("completed"); writer.number(String(counts.completed))
        writer.key("completedLate"); writer.number(String(counts.completedLate))
        writer.key("overdue"); writer.number(String(counts.overdue))
        writer.key("notYetDue"); writer.number(String(counts.notYetDue))
        writer.key("notCompleted"); writer.number(String(counts.notCompleted))
        let rate = ReportedRate(counts.completed, of: counts.people, minimumGroupSize: minimumGroupSize)
        writer.key("completionRate"); Self.optional(rate.rate, &writer)
        Self.rate("completionRate", rate, &writer)
    }
}
