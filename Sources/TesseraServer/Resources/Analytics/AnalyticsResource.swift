import Foundation
import HTTPTypes
import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The analytics measures (DESIGN.md "Analytics contract"): JSON by default, CSV with
/// `format=csv` or `Accept: text/csv`; scope `analytics/read`.
struct AnalyticsResource: Sendable {
    let store: any LRSStore
    /// Groups smaller than this are flagged too few to compare (docs/analytics.md, "Intervals
    /// and small groups").
    let minimumGroupSize: Int

    func register(on router: AreaRoutes) {
        router.getAndHead("/analytics/proficiency") { request, context in try await proficiency(request, context) }
        router.getAndHead("/analytics/outcomes") { request, context in try await outcomes(request, context) }
        router.getAndHead("/analytics/retention/knowledge") { request, context in try await knowledgeRetention(request, context) }
        router.getAndHead("/analytics/retention/employees") { request, context in try await employeeRetention(request, context) }
        router.getAndHead("/analytics/retention/employees/curve") { request, context in try await retentionCurve(request, context) }
        router.getAndHead("/analytics/proficiency/trend") { request, context in try await proficiencyTrend(request, context) }
        router.getAndHead("/analytics/compliance") { request, context in try await compliance(request, context) }
        router.getAndHead("/analytics/learners") { request, context in try await learners(request, context) }
        router.getAndHead("/analytics/learner") { request, context in try await learner(request, context) }
    }

    /// The request's parameters, checked against `known`, and the output format.
    func read(_ request: Request, _ context: XAPIRequestContext, known: Set<String>, path: String) throws -> (QueryParameters, ResultFormat) {
        _ = try context.require(anyOf: [.analyticsRead, .admin])
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: known.union(["format"]), resource: path)
        return (parameters, try ResultFormat(request, parameters))
    }

    /// `team` as given, when it is a team of the roster (or the unassigned one); 400 naming the
    /// teams that exist otherwise, so that a typo is not read as a team with nobody in it.
    func team(_ parameters: QueryParameters) async throws -> String? {
        guard let team = parameters["team"] else { return nil }
        let teams = try await store.teamNames() + [Roster.unassignedTeam]
        guard teams.contains(team) else {
            throw XAPIError.badParameter("team", "is not a team of the roster (teams: \(Self.listed(teams)))")
        }
        return team
    }

    /// 400 unless `skill` (when given) is a skill of `catalog`.
    static func checkSkill(_ skill: String?, in catalog: Catalog) throws {
        guard let skill, !catalog.skills.contains(where: { $0.id == skill }) else { return }
        throw XAPIError.badParameter("skill", "is not a skill of the catalog (skills: \(listed(catalog.skills.map(\.id))))")
    }

    /// The first twenty of `names`, comma-separated, and how many more there are.
    static func listed(_ names: [String]) -> String {
        let shown = names.prefix(20).joined(separator: ", ")
        return names.count > 20 ? shown + " and \(names.count - 20) more" : shown
    }

    static func noCatalog() -> XAPIError {
        XAPIError(.notFound, "no catalog has been loaded: analytics need one (PUT /analytics/catalog)")
    }

    private func outcomes(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let (parameters, format) = try read(request, context, known: ["program", "from", "to", "windowDays", "team"], path: "/analytics/outcomes")
        let from = try parameters["from"].map { try Self.time($0, "from", endOfDay: false) }
        let to = try parameters["to"].map { try Self.time($0, "to", endOfDay: true) } ?? XAPITimestamp.now().milliseconds
        let windowDays = try Self.days(parameters["windowDays"], "windowDays", default: 90)
        if let from, from > to { throw XAPIError.badParameter("to", "must be on or after from") }
        let program = try parameters["program"].map { try Parameters.iri($0, "program") }
        let team = try await team(parameters)
        guard let report = try await store.outcomes(program: program, from: from ?? Int64.min, to: to, windowDays: windowDays, team: team) else {
            throw Self.noCatalog()
        }
        try Self.checkProgram(program, in: report.catalog)
        let totals = OutcomeTotals.byKindAndMode(report.outcomes)
        switch format {
        case .csv:
            var rows = [["row", "program", "name", "kind", "mode", "enrolled", "completed", "behaviorChanged", "completionRate", "behaviorChangeRate"]
                        + Self.rateColumns("completionRate") + Self.rateColumns("behaviorChangeRate")]
            for outcome in report.outcomes {
                rows.append(["program", outcome.program.id, outcome.program.name, outcome.program.kind.rawValue, outcome.program.mode.rawValue,
                             String(outcome.enrolled), String(outcome.completed), String(outcome.behaviorChanged),
                             Self.optional(outcome.completionRate), Self.optional(outcome.behaviorChangeRate)]
                             + outcomeCells(outcome.enrolled, outcome.completed, outcome.behaviorChanged))
            }
            for (label, groups) in [("kind", totals.byKind), ("mode", totals.byMode)] {
                for group in groups {
                    rows.append([label, "", "", label == "kind" ? group.group : "", label == "mode" ? group.group : "",
                                 String(group.enrolled), String(group.completed), String(group.behaviorChanged),
                                 Self.optional(group.completionRate), Self.optional(group.behaviorChangeRate)]
                                 + outcomeCells(group.enrolled, group.completed, group.behaviorChanged))
                }
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 1024)
            writer.beginObject()
            writer.key("from"); Self.time(from, &writer)
            writer.key("to"); Self.time(to, &writer)
            writer.key("windowDays"); writer.number(String(windowDays))
            writer.key("minimumGroupSize"); writer.number(String(minimumGroupSize))
            writer.key("programs")
            writer.beginArray()
            for outcome in report.outcomes {
                writer.beginObject()
                writer.key("program"); writer.string(outcome.program.id)
                writer.key("name"); writer.string(outcome.program.name)
                writer.key("kind"); writer.string(outcome.program.kind.rawValue)
                writer.key("mode"); writer.string(outcome.program.mode.rawValue)
                counts(outcome.enrolled, outcome.completed, outcome.behaviorChanged, &writer)
                writer.endObject()
            }
            writer.endArray()
            for (key, label, groups) in [("byKind", "kind", totals.byKind), ("byMode", "mode", totals.byMode)] {
                writer.key(key)
                writer.beginArray()
                for group in groups {
                    writer.beginObject()
                    writer.key(label); writer.string(group.group)
                    writer.key("programs"); writer.number(String(group.programs))
                    counts(group.enrolled, group.completed, group.behaviorChanged, &writer)
                    writer.endObject()
                }
                writer.endArray()
            }
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }

    private func knowledgeRetention(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let (parameters, format) = try read(request, context, known: ["skill", "minDays", "team"], path: "/analytics/retention/knowledge")
        let skill = try parameters["skill"].map { try Parameters.iri($0, "skill") }
        let minDays = try Self.days(parameters["minDays"], "minDays", default: KnowledgeRetention.defaultMinDays)
        let team = try await team(parameters)
        guard let report = try await store.knowledgeRetention(skill: skill, minDays: minDays, team: team) else { throw Self.noCatalog() }
        try Self.checkSkill(skill, in: report.catalog)
        let names = Dictionary(report.catalog.skills.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        switch format {
        case .csv:
            var rows = [["skill", "skillName", "pairs", "meanBaseline", "meanFollowUp", "meanChange", "retainedRate", "retained"]
                        + Self.rateColumns("retainedRate") + ["reachedMastery", "stillAtMastery", "stillAtMasteryRate"]
                        + Self.rateColumns("stillAtMasteryRate")]
            for row in report.rows {
                rows.append([row.skill, names[row.skill] ?? "", String(row.pairs), Self.number(row.meanBaseline),
                             Self.number(row.meanFollowUp), Self.number(row.meanChange), Self.number(row.retainedRate), String(row.retained)]
                             + Self.rateCells(retained(row))
                             + [String(row.reachedMastery), String(row.stillAtMastery), Self.optional(row.stillAtMasteryRate)]
                             + Self.rateCells(stillAtMastery(row)))
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writer.key("minDays"); writer.number(String(minDays))
            writer.key("masteryScore"); writer.number(Self.number(report.catalog.masteryScore))
            writer.key("minimumGroupSize"); writer.number(String(minimumGroupSize))
            writer.key("rows")
            writer.beginArray()
            for row in report.rows {
                writer.beginObject()
                writer.key("skill"); writer.string(row.skill)
                writer.key("skillName")
                if let name = names[row.skill] { writer.string(name) } else { writer.null() }
                writer.key("pairs"); writer.number(String(row.pairs))
                writer.key("meanBaseline"); writer.number(Self.number(row.meanBaseline))
                writer.key("meanFollowUp"); writer.number(Self.number(row.meanFollowUp))
                writer.key("meanChange"); writer.number(Self.number(row.meanChange))
                writer.key("retainedRate"); writer.number(Self.number(row.retainedRate))
                writer.key("retained"); writer.number(String(row.retained))
                Self.rate("retainedRate", retained(row), &writer)
                writer.key("reachedMastery"); writer.number(String(row.reachedMastery))
                writer.key("stillAtMastery"); writer.number(String(row.stillAtMastery))
                writer.key("stillAtMasteryRate"); Self.optional(row.stillAtMasteryRate, &writer)
                Self.rate("stillAtMasteryRate", stillAtMastery(row), &writer)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }

    private func employeeRetention(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let (parameters, format) = try read(request, context, known: ["from", "to", "program", "by"], path: "/analytics/retention/employees")
        let (from, to, program) = try retentionPeriod(parameters)
        let byTeam: Bool
        switch parameters["by"] {
        case nil: byTeam = false
        case "team": byTeam = true
        case let other?: throw XAPIError.badParameter("by", "can only be team, got \"\(other)\"")
        }
        guard let report = try await store.employeeRetention(program: program, from: from, to: to, byTeam: byTeam) else {
            throw Self.noCatalog()
        }
        try Self.checkProgram(program, in: report.catalog)
        switch format {
        case .csv:
            var rows = [["team", "participants", "participantsRetained", "participantsRate", "nonParticipants",
                         "nonParticipantsRetained", "nonParticipantsRate", "differencePoints"]
                        + Self.rateColumns("participantsRate") + Self.rateColumns("nonParticipantsRate")
                        + ["differencePointsLow", "differencePointsHigh", "differenceTooFew"]]
            for row in report.rows {
                let difference = Self.differencePoints(row)
                rows.append([row.team ?? "", String(row.participants.count), String(row.participants.retained),
                             Self.optional(row.participants.rate), String(row.nonParticipants.count),
                             String(row.nonParticipants.retained), Self.optional(row.nonParticipants.rate), Self.optional(row.differencePoints)]
                             + Self.rateCells(retained(row.participants)) + Self.rateCells(retained(row.nonParticipants))
                             + [Self.optional(difference?.lowerBound), Self.optional(difference?.upperBound), String(differenceTooFew(row))])
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 512)
            writer.beginObject()
            writePeriod(from: from, to: to, program: program, &writer)
            writer.key("rows")
            writer.beginArray()
            for row in report.rows {
                writer.beginObject()
                writer.key("team")
                if let team = row.team { writer.string(team) } else { writer.null() }
                for (key, group) in [("participants", row.participants), ("nonParticipants", row.nonParticipants)] {
                    writer.key(key)
                    writer.beginObject()
                    writer.key("count"); writer.number(String(group.count))
                    writer.key("retained"); writer.number(String(group.retained))
                    writer.key("rate"); Self.optional(group.rate, &writer)
                    Self.rate("rate", retained(group), &writer)
                    writer.endObject()
                }
                writer.key("differencePoints"); Self.optional(row.differencePoints, &writer)
                let difference = Self.differencePoints(row)
                writer.key("differencePointsLow"); Self.optional(difference?.lowerBound, &writer)
                writer.key("differencePointsHigh"); Self.optional(difference?.upperBound, &writer)
                writer.key("differenceTooFew"); writer.bool(differenceTooFew(row))
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }

    // MARK: Values

    private func counts(_ enrolled: Int, _ completed: Int, _ changed: Int, _ writer: inout JSONWriter) {
        let (completion, change) = outcomeRates(enrolled, completed, changed)
        writer.key("enrolled"); writer.number(String(enrolled))
        writer.key("completed"); writer.number(String(completed))
        writer.key("behaviorChanged"); writer.number(String(changed))
        writer.key("completionRate"); Self.optional(completion.rate, &writer)
        writer.key("behaviorChangeRate"); Self.optional(change.rate, &writer)
        Self.rate("completionRate", completion, &writer)
        Self.rate("behaviorChangeRate", change, &writer)
    }

    /// Completion (of the enrolled) and behaviour change (of the completers).
    private func outcomeRates(_ enrolled: Int, _ completed: Int, _ changed: Int) -> (ReportedRate, ReportedRate) {
        (ReportedRate(completed, of: enrolled, minimumGroupSize: minimumGroupSize),
         ReportedRate(changed, of: completed, minimumGroupSize: minimumGroupSize))
    }

    /// The CSV cells of both outcome rates.
    private func outcomeCells(_ enrolled: Int, _ completed: Int, _ changed: Int) -> [String] {
        let (completion, change) = outcomeRates(enrolled, completed, changed)
        return Self.rateCells(completion) + Self.rateCells(change)
    }

    /// Follow-ups at mastery, of the pairs.
    private func retained(_ row: KnowledgeRetention) -> ReportedRate {
        ReportedRate(row.retained, of: row.pairs, minimumGroupSize: minimumGroupSize)
    }

    /// Follow-ups still at mastery, of the people whose baseline reached it.
    func stillAtMastery(_ row: KnowledgeRetention) -> ReportedRate {
        ReportedRate(row.stillAtMastery, of: row.reachedMastery, minimumGroupSize: minimumGroupSize)
    }

    /// People still employed, of the group.
    func retained(_ group: EmployeeRetention.Group) -> ReportedRate {
        ReportedRate(group.retained, of: group.count, minimumGroupSize: minimumGroupSize)
    }

    /// True when either group is too small to compare the two.
    private func differenceTooFew(_ row: EmployeeRetention) -> Bool {
        row.participants.count < minimumGroupSize || row.nonParticipants.count < minimumGroupSize
    }

    /// Newcombe's 95% interval of participants' rate minus everyone else's, in points.
    private static func differencePoints(_ row: EmployeeRetention) -> ClosedRange<Double>? {
        Intervals.difference((row.participants.retained, row.participants.count), (row.nonParticipants.retained, row.nonParticipants.count))
            .map { $0.lowerBound * 100...$0.upperBound * 100 }
    }

    /// `nameLow`, `nameHigh` (its 95% interval) and `nameTooFew` beside a rate `name`.
    static func rate(_ name: String, _ rate: ReportedRate, _ writer: inout JSONWriter) {
        writer.key(name + "Low"); optional(rate.interval?.lowerBound, &writer)
        writer.key(name + "High"); optional(rate.interval?.upperBound, &writer)
        writer.key(name + "TooFew"); writer.bool(rate.tooFew)
    }

    /// The CSV columns `rate` writes for a rate `name`.
    static func rateColumns(_ name: String) -> [String] { [name + "Low", name + "High", name + "TooFew"] }

    /// The CSV cells of `rateColumns`.
    static func rateCells(_ rate: ReportedRate) -> [String] {
        [optional(rate.interval?.lowerBound), optional(rate.interval?.upperBound), String(rate.tooFew)]
    }

    static func optional(_ value: Double?, _ writer: inout JSONWriter) {
        if let value { writer.number(number(value)) } else { writer.null() }
    }

    static func optional(_ value: Double?) -> String { value.map(number) ?? "" }

    static func time(_ milliseconds: Int64?, _ writer: inout JSONWriter) {
        if let milliseconds, milliseconds != Int64.min { writer.string(XAPITimestamp(milliseconds: milliseconds).text) } else { writer.null() }
    }

    /// A whole number of days, 0 to 3650.
    static func days(_ text: String?, _ name: String, default value: Int) throws -> Int {
        guard let text else { return value }
        guard let days = Int(text), (0...3650).contains(days) else {
            throw XAPIError.badParameter(name, "must be a whole number of days from 0 to 3650, got \"\(text)\"")
        }
        return days
    }

    private func proficiency(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let (parameters, format) = try read(request, context, known: ["asOf", "skill", "team", "by"], path: "/analytics/proficiency")
        let asOf = try parameters["asOf"].map { try Self.time($0, "asOf", endOfDay: true) }
        let skill = try parameters["skill"].map { try Parameters.iri($0, "skill") }
        let team = try await team(parameters)
        let bySkill: Bool
        switch parameters["by"] {
        case nil: bySkill = false
        case "skill": bySkill = true
        case let other?: throw XAPIError.badParameter("by", "can only be skill (one row per skill over every team), got \"\(other)\"")
        }
        guard let report = try await store.proficiencyReport(asOf: asOf, skill: skill, team: team) else {
            throw Self.noCatalog()
        }
        try Self.checkSkill(skill, in: report.catalog)
        let names = Dictionary(report.catalog.skills.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let organisation = ProficiencyReport.bySkill(report.rows)
        switch format {
        case .csv:
            let levelNames = report.catalog.levels.map(\.name)
            var rows = [["team", "skill", "skillName", "assessed", "meanProficiency", "meanGain", "gainLearners"] + levelNames.map { "level:" + $0 }
                        + ["tooFewToCompare", "meanChangeSinceFirstAssessment"]]
            for row in bySkill ? organisation : report.rows {
                rows.append([row.team, row.skill, names[row.skill] ?? "", String(row.assessed), Self.number(row.meanProficiency),
                             row.meanGain.map(Self.number) ?? "", String(row.gainLearners)] + row.levels.map { String($0.count) }
                             + [String(row.assessed < minimumGroupSize), row.meanGain.map(Self.number) ?? ""])
            }
            return ResultFormat.csvResponse(CSV.write(rows))
        case .json:
            var writer = JSONWriter(capacity: 256 + 256 * (report.rows.count + organisation.count))
            writer.beginObject()
            writer.key("asOf")
            if let asOf { writer.string(XAPITimestamp(milliseconds: asOf).text) } else { writer.null() }
            writer.key("minimumGroupSize"); writer.number(String(minimumGroupSize))
            for (key, rows) in [("rows", bySkill ? organisation : report.rows), ("bySkill", organisation)] {
                writer.key(key)
                writer.beginArray()
                for row in rows { proficiencyRow(row, name: names[row.skill], &writer) }
                writer.endArray()
            }
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }

    /// One row of the proficiency report as a JSON object.
    func proficiencyRow(_ row: ProficiencyRow, name: String?, _ writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("team"); writer.string(row.team)
        writer.key("skill"); writer.string(row.skill)
        writer.key("skillName")
        if let name { writer.string(name) } else { writer.null() }
        writer.key("assessed"); writer.number(String(row.assessed))
        writer.key("meanProficiency"); writer.number(Self.number(row.meanProficiency))
        writer.key("meanGain")
        if let gain = row.meanGain { writer.number(Self.number(gain)) } else { writer.null() }
        // The same figure under a name that says what it is (docs/analytics.md).
        writer.key("meanChangeSinceFirstAssessment")
        if let gain = row.meanGain { writer.number(Self.number(gain)) } else { writer.null() }
        writer.key("gainLearners"); writer.number(String(row.gainLearners))
        writer.key("tooFewToCompare"); writer.bool(row.assessed < minimumGroupSize)
        writer.key("levels")
        writer.beginObject()
        for level in row.levels {
            writer.key(level.name)
            writer.number(String(level.count))
        }
        writer.endObject()
        writer.endObject()
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
