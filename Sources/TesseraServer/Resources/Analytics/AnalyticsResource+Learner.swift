import Foundation
import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// GET /analytics/learners (find people on the roster) and GET /analytics/learner (one
/// person's record across the measures; docs/analytics.md "Learner view").
extension AnalyticsResource {
    /// The most people one search returns.
    static let learnerSearchLimit = 50

    func learners(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let (parameters, _) = try read(request, context, known: ["search"], path: "/analytics/learners")
        let search = parameters["search"] ?? ""
        guard search.count <= 200 else { throw XAPIError.badParameter("search", "must be at most 200 characters") }
        let found = LearnerSearch.matches(try await store.roster().people, search: search)
        var writer = JSONWriter(capacity: 256 + 160 * min(found.count, Self.learnerSearchLimit))
        writer.beginObject()
        writer.key("search"); writer.string(search)
        writer.key("matches"); writer.number(String(found.count))
        writer.key("people")
        writer.beginArray()
        for person in found.prefix(Self.learnerSearchLimit) { Self.person(person, &writer) }
        writer.endArray()
        writer.endObject()
        return Response.json(.ok, writer.bytes)
    }

    func learner(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let (parameters, format) = try read(request, context, known: ["agent", "minDays", "asOf"], path: "/analytics/learner")
        let agent = try Parameters.agent(
            Parameters.required(parameters, "agent", for: "(the learner, as an xAPI Agent in JSON)"), version: context.version, groups: false)
        let minDays = try Self.days(parameters["minDays"], "minDays", default: KnowledgeRetention.defaultMinDays)
        let asOf = try parameters["asOf"].map { Day(containing: try Self.time($0, "asOf", endOfDay: true)) }
            ?? Day(containing: XAPITimestamp.now().milliseconds)
        guard let (catalog, events) = try await store.learnerEvents(agent) else { throw Self.noCatalog() }
        guard !events.isEmpty else {
            throw XAPIError(.notFound, "no learner with this agent: the roster does not list them and no statement of theirs is about the catalog")
        }
        let record = LearnerRecord(events, catalog: catalog, minDays: minDays)
        let person = record.person
        switch format {
        case .csv: return ResultFormat.csvResponse(CSV.write(Self.learnerRows(record, catalog: catalog)))
        case .json:
            var writer = JSONWriter(capacity: 2048)
            writer.beginObject()
            writer.key("agent")
            writer.beginObject()
            writer.identifier(agent)
            writer.endObject()
            writer.key("person")
            if let person { Self.person(person, &writer) } else { writer.null() }
            writer.key("asOf"); writer.string(asOf.description)
            writer.key("minDays"); writer.number(String(minDays))
            writer.key("masteryScore"); writer.number(Self.number(catalog.masteryScore))
            writer.key("skills")
            writer.beginArray()
            for skill in record.skills { Self.skillRecord(skill, masteryScore: catalog.masteryScore, &writer) }
            writer.endArray()
            writer.key("programs")
            writer.beginArray()
            for program in record.programs { Self.programRecord(program, person: person, asOf: asOf, &writer) }
            writer.endArray()
            writer.endObject()
            return Response.json(.ok, writer.bytes)
        }
    }

    /// The record as one row per assessment, observation and program completion, oldest first.
    private static func learnerRows(_ record: LearnerRecord, catalog: Catalog) -> [[String]] {
        var events: [(at: Int64, row: [String])] = []
        for skill in record.skills {
            for assessment in skill.assessments {
                events.append((assessment.at, [assessment.reassessment ? "reassessment" : "assessment", skill.skill.id, skill.skill.name,
                                               number(assessment.score), assessment.level ?? "", ""]))
            }
            for observation in skill.observations {
                events.append((observation.at, ["observation", skill.skill.id, skill.skill.name, "", "",
                                                observation.success.map(String.init) ?? ""]))
            }
        }
        for program in record.programs {
            if let at = program.completedAt { events.append((at, ["completion", program.program.id, program.program.name, "", "", ""])) }
        }
        return [["timestamp", "event", "id", "name", "score", "level", "success"]]
            + events.sorted { $0.at < $1.at }.map { [XAPITimestamp(milliseconds: $0.at).text] + $0.row }
    }

    /// A roster entry as JSON.
    static func person(_ person: Roster.Person, _ writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("agent")
        writer.beginObject()
        writer.identifier(person.agent)
        writer.endObject()
        for (key, value) in [("name", person.name), ("team", person.team), ("role", person.role)] {
            writer.key(key)
            if let value { writer.string(value) } else { writer.null() }
        }
        writer.key("hired"); writer.string(person.hired.description)
        writer.key("left")
        if let left = person.left { writer.string(left.description) } else { writer.null() }
        writer.endObject()
    }

    private static func skillRecord(_ skill: LearnerRecord.SkillRecord, masteryScore: Double, _ writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("skill"); writer.string(skill.skill.id)
        writer.key("skillName"); writer.string(skill.skill.name)
        writer.key("latestScore"); optional(skill.assessments.last?.score, &writer)
        writer.key("latestLevel")
        if let level = skill.assessments.last?.level { writer.string(level) } else { writer.null() }
        writer.key("changeSinceFirstAssessment"); optional(skill.changeSinceFirstAssessment, &writer)
        writer.key("assessments")
        writer.beginArray()
        for assessment in skill.assessments {
            writer.beginObject()
            writer.key("timestamp"); writer.string(XAPITimestamp(milliseconds: assessment.at).text)
            writer.key("score"); writer.number(number(assessment.score))
            writer.key("level")
            if let level = assessment.level { writer.string(level) } else { writer.null() }
            writer.key("reassessment"); writer.bool(assessment.reassessment)
            writer.endObject()
        }
        writer.endArray()
        writer.key("observations")
        writer.beginArray()
        for observation in skill.observations {
            writer.beginObject()
            writer.key("timestamp"); writer.string(XAPITimestamp(milliseconds: observation.at).text)
            writer.key("success")
            if let success = observation.success { writer.bool(success) } else { writer.null() }
            writer.endObject()
        }
        writer.endArray()
        writer.key("retention")
        if let pair = skill.retention {
            writer.beginObject()
            writer.key("baselineTimestamp"); writer.string(XAPITimestamp(milliseconds: pair.baselineAt).text)
            writer.key("baseline"); writer.number(number(pair.baseline))
            writer.key("followUpTimestamp"); writer.string(XAPITimestamp(milliseconds: pair.followUpAt).text)
            writer.key("followUp"); writer.number(number(pair.followUp))
            writer.key("reachedMastery"); writer.bool(pair.baseline >= masteryScore)
            writer.key("atMasteryAtFollowUp"); writer.bool(pair.followUp >= masteryScore)
            writer.endObject()
        } else {
            writer.null()
        }
        writer.endObject()
    }

    private static func programRecord(_ record: LearnerRecord.ProgramRecord, person: Roster.Person?, asOf: Day, _ writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("program"); writer.string(record.program.id)
        writer.key("name"); writer.string(record.program.name)
        writer.key("kind"); writer.string(record.program.kind.rawValue)
        writer.key("mode"); writer.string(record.program.mode.rawValue)
        writer.key("activities"); writer.number(String(Set(record.program.activities).count))
        writer.key("activitiesCompleted"); writer.number(String(record.activitiesCompleted))
        writer.key("completedAt"); time(record.completedAt, &writer)
        writer.key("compliance")
        if let person, record.program.isRequired(ofTeam: person.team) {
            let entry = ProgramCompliance.entry(record.program, person: person, completedAt: record.completedAt, asOf: asOf)
            writer.beginObject()
            writer.key("status"); writer.string(entry.status.rawValue)
            writer.key("dueDate")
            if let due = entry.dueDay { writer.string(due.description) } else { writer.null() }
            writer.key("completedLate"); writer.bool(entry.completedLate)
            writer.key("daysOverdue")
            if let days = entry.daysOverdue(asOf: asOf) { writer.number(String(days)) } else { writer.null() }
            writer.endObject()
        } else {
            writer.null()
        }
        writer.endObject()
    }
}

/// Finding people on the roster by what an L&D manager knows of them.
enum LearnerSearch {
    /// The people whose name, team, role or identifier contains `search` (case and accents
    /// ignored; every word must match somewhere), by name.
    static func matches(_ people: [Roster.Person], search: String) -> [Roster.Person] {
        let words = search.split(whereSeparator: \.isWhitespace).map { fold(String($0)) }
        return people.filter { person in
            let text = fold([person.name, person.team, person.role, Roster.identifierCells(person.agent).joined(separator: " ")]
                .compactMap { $0 }.joined(separator: " "))
            return words.allSatisfy { text.contains($0) }
        }.sorted { ($0.name ?? "", $0.agent.storageKey) < ($1.name ?? "", $1.agent.storageKey) }
    }

    /// Lower case without accents; ASCII text (most names and addresses) by the cheap path,
    /// since Foundation's folding costs tens of microseconds per string.
    private static func fold(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text.lowercased()
            : text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
