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

    /// The column's value for `record`, whose stored statement is `statement` (parsed; nil for
    /// a tombstone or when no column needs it). Read straight from the stored JSON, which
    /// Tessera wrote and validated: no model is built.
    func value(_ record: ExportRecord, _ statement: JSONValue?) -> String {
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

    private func value(_ statement: JSONValue) -> String {
        let result = statement["result"]
        switch self {
        case .id: return statement["id"]?.string ?? ""
        case .stored: return statement["stored"]?.string ?? ""
        case .timestamp: return statement["timestamp"]?.string ?? ""
        case .actor: return statement["actor"].flatMap(Self.identifier) ?? ""
        case .actorName: return statement["actor"]?["name"]?.string ?? ""
        case .verb: return statement["verb"]?["id"]?.string ?? ""
        case .object:
            guard let object = statement["object"] else { return "" }
            switch object["objectType"]?.string {
            case "Agent", "Group": return Self.identifier(object) ?? ""
            case "SubStatement": return ""
            default: return object["id"]?.string ?? ""
            }
        case .objectType: return statement["object"]?["objectType"]?.string ?? "Activity"
        case .registration: return statement["context"]?["registration"]?.string ?? ""
        case .scoreScaled: return result?["score"]?["scaled"]?.numberLiteral ?? ""
        case .scoreRaw: return result?["score"]?["raw"]?.numberLiteral ?? ""
        case .success: return result?["success"]?.bool.map { String($0) } ?? ""
        case .completion: return result?["completion"]?.bool.map { String($0) } ?? ""
        case .duration: return result?["duration"]?.string ?? ""
        case .seq, .chain, .content, .voided, .erasure, .statement: return ""
        }
    }

    /// An agent's or group's identifier as the JSON an `agent` parameter takes, e.g.
    /// `{"mbox":"mailto:…"}`; nil for an anonymous group.
    private static func identifier(_ actor: JSONValue) -> String? {
        var writer = JSONWriter(capacity: 96)
        writer.beginObject()
        if let account = actor["account"] {
            writer.key("account")
            writer.beginObject()
            writer.key("homePage"); writer.string(account["homePage"]?.string ?? "")
            writer.key("name"); writer.string(account["name"]?.string ?? "")
            writer.endObject()
        } else if let (key, value) = ["mbox", "mbox_sha1sum", "openid"].lazy.compactMap({ key in actor[key]?.string.map { (key, $0) } }).first {
            writer.key(key)
            writer.string(value)
        } else {
            return nil
        }
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
            var bytes: [UInt8] = []
            bytes.reserveCapacity(records.reduce(0) { $0 + ($1.body?.count ?? 4) + 200 })
            for record in records { record.appendLine(to: &bytes) }
            return bytes
        case .csv(let columns):
            let parse = columns.contains(where: \.needsStatement)
            return CSV.write(records.map { record in
                let statement = parse ? record.body.flatMap { try? JSONDocument.parse($0).root } : nil
                return columns.map { $0.value(record, statement) }
            })
        }
    }
}
