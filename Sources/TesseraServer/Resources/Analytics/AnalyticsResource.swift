import Foundation
import HTTPTypes
import Hummingbird
import TesseraAnalytics
import TesseraStore
import XAPI

/// The analytics measures (DESIGN.md "Analytics contract"): JSON by default, CSV with
/// `format=csv` or `Accept: text/csv`; scope `analytics/read`.
struct AnalyticsResource: Sendable {
    let store: SQLiteStore

    func register(on router: Router<XAPIRequestContext>) {
        router.getAndHead("/analytics/proficiency") { request, context in try proficiency(request, context) }
    }

    private func proficiency(_ request: Request, _ context: XAPIRequestContext) throws -> Response {
        _ = try context.require(anyOf: [.analyticsRead, .admin])
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ["asOf", "skill", "team", "format"], resource: "/analytics/proficiency")
        let format = try ResultFormat(request, parameters)
        let asOf = try parameters["asOf"].map { try Self.time($0, "asOf", endOfDay: true) }
        guard let report = try store.proficiencyReport(asOf: asOf, skill: parameters["skill"], team: parameters["team"]) else {
            throw XAPIError(.notFound, "no catalog has been loaded: analytics need one (PUT /analytics/catalog)")
        }
        let names = Dictionary(report.catalog.skills.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        switch format {
        case .csv:
            let levelNames = report.catalog.levels.map(\.name)
            var rows = [["team", "skill", "skillName", "assessed", "meanProficiency", "meanGain", "gainLearners"] + levelNames.map { "level:" + $0 }]
            for row in report.rows {
                rows.append([row.team, row.skill, names[row.skill] ?? "", String(row.assessed), Self.number(row.meanProficiency),
                             row.meanGain.map(Self.number) ?? "", String(row.gainLearners)] + row.levels.map { String($0.count) })
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 256 + 256 * report.rows.count)
            writer.beginObject()
            writer.key("asOf")
            if let asOf { writer.string(XAPITimestamp(milliseconds: asOf).text) } else { writer.null() }
            writer.key("rows")
            writer.beginArray()
            for row in report.rows {
                writer.beginObject()
                writer.key("team"); writer.string(row.team)
                writer.key("skill"); writer.string(row.skill)
                writer.key("skillName")
                if let name = names[row.skill] { writer.string(name) } else { writer.null() }
                writer.key("assessed"); writer.number(String(row.assessed))
                writer.key("meanProficiency"); writer.number(Self.number(row.meanProficiency))
                writer.key("meanGain")
                if let gain = row.meanGain { writer.number(Self.number(gain)) } else { writer.null() }
                writer.key("gainLearners"); writer.number(String(row.gainLearners))
                writer.key("levels")
                writer.beginObject()
                for level in row.levels {
                    writer.key(level.name)
                    writer.number(String(level.count))
                }
                writer.endObject()
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }

    /// A time parameter: RFC 3339, or a bare date meaning the whole UTC day.
    static func time(_ text: String, _ name: String, endOfDay: Bool) throws -> Int64 {
        guard let milliseconds = AnalyticsTime.milliseconds(text, endOfDay: endOfDay) else {
            throw XAPIError.badParameter(name, "must be a date (2024-06-05) or an RFC 3339 timestamp, got \"\(text)\"")
        }
        return milliseconds
    }

    /// A mean, rounded to 6 decimal places for reading.
    static func number(_ value: Double) -> String {
        let rounded = (value * 1_000_000).rounded() / 1_000_000
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
