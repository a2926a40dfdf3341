import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// GET /analytics/proficiency/trend: proficiency per skill at the end of each month, for the
/// organisation or one team (docs/analytics.md "Proficiency over time").
extension AnalyticsResource {
    /// The most days one trend reads (three years of month ends).
    static let trendPoints = 37

    func proficiencyTrend(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let (parameters, format) = try read(request, context, known: ["from", "to", "skill", "team"], path: "/analytics/proficiency/trend")
        let to = try parameters["to"].map { Day(containing: try Self.time($0, "to", endOfDay: true)) }
            ?? Day(containing: XAPITimestamp.now().milliseconds)
        let from = try parameters["from"].map { Day(containing: try Self.time($0, "from", endOfDay: true)) }
            ?? to.firstOfMonth(monthsBefore: 11)
        guard from <= to else { throw XAPIError.badParameter("to", "must be on or after from") }
        let days = Day.monthEnds(from: from, to: to)
        guard days.count <= Self.trendPoints else {
            throw XAPIError.badParameter("from", "gives \(days.count) month ends; a trend reads at most \(Self.trendPoints)")
        }
        let skill = try parameters["skill"].map { try Parameters.iri($0, "skill") }
        let team = try await team(parameters)
        guard let (catalog, reports) = try await store.proficiencyTrend(days: days, skill: skill, team: team) else { throw Self.noCatalog() }
        try Self.checkSkill(skill, in: catalog)
        let points = zip(days, reports).map { day, rows in (day: day, rows: team == nil ? ProficiencyReport.bySkill(rows) : rows) }
        let names = Dictionary(catalog.skills.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        switch format {
        case .csv:
            var rows = [["date", "team", "skill", "skillName", "assessed", "meanProficiency", "tooFewToCompare"]]
            for (day, dayRows) in points {
                for row in dayRows {
                    rows.append([day.description, row.team, row.skill, names[row.skill] ?? "", String(row.assessed),
                                 Self.number(row.meanProficiency), String(row.assessed < minimumGroupSize)])
                }
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 512 + 256 * points.count)
            writer.beginObject()
            writer.key("from"); writer.string(from.description)
            writer.key("to"); writer.string(to.description)
            writer.key("team")
            if let team { writer.string(team) } else { writer.null() }
            writer.key("minimumGroupSize"); writer.number(String(minimumGroupSize))
            writer.key("points")
            writer.beginArray()
            for (day, dayRows) in points {
                writer.beginObject()
                writer.key("date"); writer.string(day.description)
                writer.key("rows")
                writer.beginArray()
                for row in dayRows { proficiencyRow(row, name: names[row.skill], &writer) }
                writer.endArray()
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }
}
