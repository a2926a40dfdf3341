import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// GET /analytics/retention/employees/curve: employee retention over time as Kaplan–Meier
/// curves for trained and untrained people (docs/analytics.md "Retention over time").
extension AnalyticsResource {
    /// The period and program of an employee-retention request: `from` (required, the end of
    /// its day when a date), `to` (default now), `program`.
    func retentionPeriod(_ parameters: QueryParameters) throws -> (from: Int64, to: Int64, program: String?) {
        let from = try Self.time(Parameters.required(parameters, "from", for: "(the start of the period)"), "from", endOfDay: true)
        let to = try parameters["to"].map { try Self.time($0, "to", endOfDay: true) } ?? XAPITimestamp.now().milliseconds
        guard to > from else { throw XAPIError.badParameter("to", "must be after from") }
        return (from, to, try parameters["program"].map { try Parameters.iri($0, "program") })
    }

    /// The period of an employee-retention answer, as its JSON's first members: `from`, `to`,
    /// `program` and the `minimumGroupSize` it used.
    func writePeriod(from: Int64, to: Int64, program: String?, _ writer: inout JSONWriter) {
        writer.key("from"); Self.time(from, &writer)
        writer.key("to"); Self.time(to, &writer)
        writer.key("program")
        if let program { writer.string(program) } else { writer.null() }
        writer.key("minimumGroupSize"); writer.number(String(minimumGroupSize))
    }

    /// 400 unless `program` (when given) is a program of `catalog`.
    static func checkProgram(_ program: String?, in catalog: Catalog) throws {
        guard let program, !catalog.programs.contains(where: { $0.id == program }) else { return }
        throw XAPIError.badParameter("program", "is not a program of the catalog: \(program)")
    }

    func retentionCurve(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let path = "/analytics/retention/employees/curve"
        let (parameters, format) = try read(request, context, known: ["from", "to", "program"], path: path)
        let (from, to, program) = try retentionPeriod(parameters)
        guard let (catalog, members) = try await store.retentionMembers(program: program, from: from) else { throw Self.noCatalog() }
        try Self.checkProgram(program, in: catalog)
        let curves = EmployeeSurvival(members: members, from: from, to: to)
        let start = Day(containing: from)
        let groups = [("participants", curves.participants), ("nonParticipants", curves.nonParticipants)]
        switch format {
        case .csv:
            var rows = [["group", "day", "date", "atRisk", "left", "stillEmployed", "stillEmployedLow", "stillEmployedHigh", "groupTooFew"]]
            for (name, curve) in groups {
                for step in curve.steps {
                    rows.append([name, String(step.day), Day(ordinal: start.ordinal + Int64(step.day)).description, String(step.atRisk),
                                 String(step.left), Self.number(step.survival), Self.optional(step.interval?.lowerBound),
                                 Self.optional(step.interval?.upperBound), String(curve.count < minimumGroupSize)])
                }
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 1024)
            writer.beginObject()
            writePeriod(from: from, to: to, program: program, &writer)
            for (name, curve) in groups {
                writer.key(name)
                writer.beginObject()
                writer.key("count"); writer.number(String(curve.count))
                writer.key("tooFew"); writer.bool(curve.count < minimumGroupSize)
                writer.key("steps")
                writer.beginArray()
                for step in curve.steps {
                    writer.beginObject()
                    writer.key("day"); writer.number(String(step.day))
                    writer.key("date"); writer.string(Day(ordinal: start.ordinal + Int64(step.day)).description)
                    writer.key("atRisk"); writer.number(String(step.atRisk))
                    writer.key("left"); writer.number(String(step.left))
                    writer.key("stillEmployed"); writer.number(Self.number(step.survival))
                    writer.key("stillEmployedLow"); Self.optional(step.interval?.lowerBound, &writer)
                    writer.key("stillEmployedHigh"); Self.optional(step.interval?.upperBound, &writer)
                    writer.endObject()
                }
                writer.endArray()
                writer.endObject()
            }
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }
}
