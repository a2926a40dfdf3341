import Foundation
import TesseraAnalytics
import TesseraCrypto
import XAPI

/// A column of a CSV export (docs/audit.md, "CSV").
public enum ExportColumn: String, CaseIterable, Sendable {
    case seq, chain, content, voided, erasure
    case id, stored, timestamp, actor, actorName, verb, object, objectType, registration
    case scoreScaled, scoreRaw, success, completion, duration
    /// The stored statement, as JSON.
    case statement

    /// The columns of `format=csv` without `columns`.
    public static let defaults: [ExportColumn] = [
        .seq, .id, .stored, .timestamp, .actor, .actorName, .verb, .object, .objectType, .registration, .scoreScaled, .success,
        .completion, .duration, .voided, .chain,
    ]

    /// The columns named in a comma-separated list, in its order; failure names the first
    /// unknown one.
    public static func list(_ text: String) -> Result<[ExportColumn], UnknownColumn> {
        var columns: [ExportColumn] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let column = ExportColumn(rawValue: trimmed) else { return .failure(UnknownColumn(name: trimmed)) }
            columns.append(column)
        }
        return .success(columns)
    }

    /// A column name Tessera does not know.
    public struct UnknownColumn: Error, CustomStringConvertible {
        public let name: String
        public var description: String {
            "unknown column \"\(name)\"; known: " + ExportColumn.allCases.map(\.rawValue).joined(separator: ",")
        }
    }

    /// True for columns read from the statement itself (which is then parsed).
    var needsStatement: Bool {
        switch self {
        case .seq, .chain, .content, .voided, .erasure, .statement: false
        default: true
        }
    }

    /// The column's value for `record` (whose parsed statement is `statement`, nil for a
    /// tombstone or when no column needs it).
    func value(_ record: ExportRecord, _ statement: Statement?) -> String {
        switch self {
        case .seq: return String(record.seq)
        case .chain: return Digest.hex(record.chain)
        case .content: return Digest.hex(record.content)
        case .voided: return String(record.voided)
        case .erasure: return record.erasure.map(String.init) ?? ""
        case .statement: return record.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
        default: return statement.map(value) ?? ""
        }
    }

    private func value(_ statement: Statement) -> String {
        let score = statement.result?.score
        switch self {
        case .id: return statement.id?.description ?? ""
        case .stored: return statement.stored?.text ?? ""
        case .timestamp: return statement.timestamp?.text ?? ""
        case .actor: return statement.actor.identifier.map(Self.json) ?? ""
        case .actorName:
            switch statement.actor {
            case .agent(let agent): return agent.name ?? ""
            case .group(let group): return group.name ?? ""
            }
        case .verb: return statement.verb.id
        case .object:
            switch statement.object {
            case .activity(let activity): return activity.id
            case .agent(let agent): return Self.json(agent.identifier)
            case .group(let group): return group.identifier.map(Self.json) ?? ""
            case .statementRef(let id): return id.description
            case .subStatement: return ""
            }
        case .objectType:
            switch statement.object {
            case .activity: return "Activity"
            case .agent: return "Agent"
            case .group: return "Group"
            case .statementRef: return "StatementRef"
            case .subStatement: return "SubStatement"
            }
        case .registration: return statement.context?.registration?.description ?? ""
        case .scoreScaled: return score?.scaled?.literal ?? ""
        case .scoreRaw: return score?.raw?.literal ?? ""
        case .success: return statement.result?.success.map { String($0) } ?? ""
        case .completion: return statement.result?.completion.map { String($0) } ?? ""
        case .duration: return statement.result?.duration ?? ""
        case .seq, .chain, .content, .voided, .erasure, .statement: return ""
        }
    }

    /// An agent identifier as the JSON an `agent` parameter takes, e.g. `{"mbox":"mailto:…"}`.
    private static func json(_ identifier: InverseFunctionalIdentifier) -> String {
        var writer = JSONWriter(capacity: 96)
        writer.beginObject()
        writer.identifier(identifier)
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// How export records are written: NDJSON lines (`ExportRecord.line`) or CSV rows of chosen
/// columns under a header row.
public enum ExportFormat: Sendable, Equatable {
    case ndjson
    case csv([ExportColumn])

    /// The format that a `format` and a `columns` parameter name (ndjson when none); the
    /// error's path is the parameter at fault.
    public static func parse(format: String?, columns: String?) -> Result<ExportFormat, ValidationError> {
        switch format {
        case nil, "ndjson":
            guard columns == nil else { return .failure(ValidationError(path: "columns", message: "applies to format csv only")) }
            return .success(.ndjson)
        case "csv":
            guard let columns else { return .success(.csv(ExportColumn.defaults)) }
            return ExportColumn.list(columns).map(ExportFormat.csv).mapError { ValidationError(path: "columns", message: $0.description) }
        case let other?:
            return .failure(ValidationError(path: "format", message: "must be ndjson or csv, got \"\(other)\""))
        }
    }

    /// The format's name, as the `format` parameter and the manifest give it.
    public var name: String {
        switch self {
        case .ndjson: "ndjson"
        case .csv: "csv"
        }
    }

    /// The HTTP content type.
    public var contentType: String {
        switch self {
        case .ndjson: "application/x-ndjson"
        case .csv: "text/csv; charset=utf-8"
        }
    }

    /// What comes before the first record: the CSV header row.
    public var header: [UInt8] {
        switch self {
        case .ndjson: []
        case .csv(let columns): CSV.write([columns.map(\.rawValue)])
        }
    }

    /// `records` written one after another.
    public func encode(_ records: [ExportRecord]) -> [UInt8] {
        switch self {
        case .ndjson:
            return records.flatMap(\.line)
        case .csv(let columns):
            let parse = columns.contains(where: \.needsStatement)
            return CSV.write(records.map { record in
                let statement = parse ? record.body.flatMap(StatementReader.readStored) : nil
                return columns.map { $0.value(record, statement) }
            })
        }
    }
}
