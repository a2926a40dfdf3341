import Foundation
import TesseraAnalytics
import TesseraCrypto
import XAPI

/// What checking an export file against its manifest (and optionally the database) found.
public struct ExportVerification: Sendable {
    /// One thing wrong: where in the file (a line of NDJSON, a row of CSV after the header)
    /// and at which statement, when it is about one record.
    public struct Problem: Sendable, CustomStringConvertible {
        public let record: Int?
        public let seq: Int64?
        public let reason: String
        let unit: String

        public var description: String {
            var place: [String] = []
            if let record { place.append("\(unit) \(record)") }
            if let seq { place.append("seq \(seq)") }
            return place.isEmpty ? reason : place.joined(separator: ", ") + ": " + reason
        }
    }

    /// The manifest as read.
    public let manifest: ExportManifest
    /// Records in the file.
    public let records: Int
    /// True when every record's chain value was recomputed from the previous one (an export
    /// without filters, with chain and content values); otherwise only each record's own
    /// values, the file hash and the signature could be checked.
    public let chainRecomputed: Bool
    /// True when each record was also compared with the database's chain.
    public let comparedWithDatabase: Bool
    /// Everything wrong, in file order (at most `ChainVerification.problemLimit`).
    public let problems: [Problem]

    public var isIntact: Bool { problems.isEmpty }
}

/// A store's chain rows, for comparing an export with the store it came from.
public protocol ChainRowLookup: Sendable {
    /// The content hash and chain value of the statements stored at `seqs`, by seq (those
    /// there are).
    func chainRows(_ seqs: [Int64]) async throws -> [Int64: ChainRow]
}

/// A statement's place in the hash chain.
public struct ChainRow: Sendable, Equatable {
    public let content: [UInt8]
    public let chain: [UInt8]

    public init(content: [UInt8], chain: [UInt8]) {
        self.content = content
        self.chain = chain
    }
}

/// Checks an export file (docs/audit.md, "Checking an export"): the manifest's signature (and,
/// when a trusted public key is given, that it is the signer), the file's SHA-256, count, first
/// and last seq and chain head against the manifest, each record's content hash against its
/// statement bytes, the chain links between records when the export has no filters, and with
/// a database each record against the database's chain row. Reads the file once, in chunks.
public struct ExportVerifier {
    private let manifest: ExportManifest
    private let unit: String
    private let database: (any ChainRowLookup)?
    private var problems: [ExportVerification.Problem] = []
    private var records = 0
    private var previousSeq: Int64?
    private var previousChain = ChainLink.genesis
    private var lastChain: [UInt8]?
    private let linkable: Bool

    /// Verifies `file` against the manifest at `manifestPath`. `trustedKey` is the raw public
    /// key the signature must be made with; `database`, the store to compare with.
    public static func verify(
        file: String, manifestPath: String, trustedKey: [UInt8]?, database: (any ChainRowLookup)?
    ) async throws -> ExportVerification {
        guard let manifestBytes = FileManager.default.contents(atPath: manifestPath) else {
            throw ExportManifest.Unreadable(description: "cannot read the manifest \(manifestPath)")
        }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw ExportManifest.Unreadable(description: "cannot read \(file)") }
        defer { try? handle.close() }
        let manifest = try ExportManifest.read(Array(manifestBytes))
        var verifier = ExportVerifier(manifest: manifest, database: database)
        verifier.checkSignature(trustedKey: trustedKey)
        let hasher = BackgroundHasher()
        var splitter = RecordSplitter(quoted: manifest.columns != nil)
        while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty {
            let bytes = Array(chunk)
            hasher.update(bytes)
            for record in splitter.split(bytes) { verifier.check(record) }
            try await verifier.compareWithDatabase()
        }
        if let rest = splitter.finish() { verifier.check(rest) }
        try await verifier.compareWithDatabase()
        verifier.checkTotals(fileSHA256: Digest.hex(hasher.finish()))
        return ExportVerification(
            manifest: manifest, records: verifier.records, chainRecomputed: verifier.linkable, comparedWithDatabase: database != nil,
            problems: Array(verifier.problems.prefix(ChainVerification.problemLimit)))
    }

    private init(manifest: ExportManifest, database: (any ChainRowLookup)?) {
        self.manifest = manifest
        self.database = database
        let columns: [ExportColumn]? = if case .csv(let columns) = manifest.format { columns } else { nil }
        unit = columns == nil ? "line" : "row"
        linkable = manifest.filters.isEmpty && (columns.map { $0.contains(.chain) && $0.contains(.content) } ?? true)
        self.csvColumns = columns
    }

    private let csvColumns: [ExportColumn]?
    /// Whether the CSV header row has been read.
    private var headerRead = false

    private mutating func report(_ seq: Int64?, _ reason: String, record: Int? = nil) {
        problems.append(.init(record: record, seq: seq, reason: reason, unit: unit))
    }

    private mutating func checkSignature(trustedKey: [UInt8]?) {
        if !manifest.isSignatureValid {
            report(nil, "the manifest's signature does not verify under its public key (the manifest was edited)")
        }
        if let trustedKey, Base64.encode(trustedKey) != manifest.publicKey {
            report(nil, "the manifest was signed with the key \(manifest.publicKey), not the trusted key \(Base64.encode(trustedKey))")
        }
    }

    /// One record's values, as the file gives them.
    private struct Values {
        var seq: Int64?
        var chain: [UInt8]?
        var content: [UInt8]?
        var statement: [UInt8]?
        var erased = false
    }

    /// Records read but not yet compared with the database: (record number, seq, values).
    private var uncompared: [(record: Int, seq: Int64, values: Values)] = []

    private mutating func check(_ record: ArraySlice<UInt8>) {
        if csvColumns != nil && !headerRead {
            headerRead = true
            let header = CSV.parse(Array(record)).map { $0.first ?? [] }
            if (try? header.get()) != csvColumns?.map(\.rawValue) {
                report(nil, "the CSV header row is not the manifest's columns (\(manifest.columns ?? ""))")
            }
            return
        }
        records += 1
        guard let values = csvColumns.map({ csvValues(record, $0) }) ?? ndjsonValues(record) else { return }
        let seq = values.seq
        if let seq, let previousSeq, seq <= previousSeq {
            report(seq, "its seq does not come after the previous record's (\(previousSeq))", record: records)
        }
        // An unfiltered export holds every seq (erased statements as tombstones): a gap is a
        // removed record, named by its own seq; the chain goes on from the record after it.
        var gap = false
        if linkable, let seq, let previousSeq, seq > previousSeq + 1 {
            gap = true
            let missing = seq == previousSeq + 2 ? "this record is missing" : "the records up to seq \(seq - 1) are missing"
            report(previousSeq + 1, missing + " (removed from the file)", record: records)
        }
        previousSeq = seq ?? previousSeq
        if let statement = values.statement, let content = values.content, Digest.sha256(statement) != content {
            report(seq, "the statement differs from its content hash (the statement was edited)", record: records)
        }
        if linkable, let chain = values.chain, let content = values.content {
            if !gap, ChainLink.link(previousChain, content) != chain {
                report(seq, "its chain value does not follow from the previous record's (a record was edited, removed or inserted)", record: records)
            }
            previousChain = chain
        }
        lastChain = values.chain ?? lastChain
        if database != nil, let seq { uncompared.append((records, seq, values)) }
    }

    /// Compares the records read since the last call with the database's chain rows, looked up
    /// together.
    private mutating func compareWithDatabase() async throws {
        guard let database, !uncompared.isEmpty else { return }
        let rows = try await database.chainRows(uncompared.map(\.seq))
        for (record, seq, values) in uncompared {
            guard let row = rows[seq] else {
                report(seq, "the database has no statement with this seq", record: record)
                continue
            }
            if let content = values.content, content != row.content {
                report(seq, "its content hash differs from the database's (the statement differs from the one stored)", record: record)
            }
            if let chain = values.chain, chain != row.chain {
                report(seq, "its chain value differs from the database's", record: record)
            }
        }
        uncompared.removeAll(keepingCapacity: true)
    }

    /// The values of an NDJSON line `{"seq":…,"chain":"…","content":"…","voided":…,["erasure":…,]"statement":…}`.
    /// Only the members before the first `,"statement":` are parsed; the statement's bytes are
    /// taken verbatim from after it (their content hash says whether they are the stored ones).
    private mutating func ndjsonValues(_ line: ArraySlice<UInt8>) -> Values? {
        guard let marker = Self.range(of: Self.statementMarker, in: line), line.last == UInt8(ascii: "}"),
            let root = try? JSONDocument.parse(Array(line[..<marker.lowerBound]) + [UInt8(ascii: "}")]).root, root.kind == .object
        else {
            report(nil, "the line is not an export record", record: records)
            return nil
        }
        var values = Values()
        values.seq = root["seq"]?.numberLiteral.flatMap { Int64($0) }
        values.chain = root["chain"]?.string.flatMap(Digest.bytes(hex:))
        values.content = root["content"]?.string.flatMap(Digest.bytes(hex:))
        values.erased = root["erasure"] != nil
        let statement = line[marker.upperBound..<(line.endIndex - 1)]
        if statement.elementsEqual("null".utf8) {
            if !values.erased { report(values.seq, "it has no statement and names no erasure", record: records) }
        } else {
            values.statement = Array(statement)
        }
        if values.seq == nil || values.chain == nil || values.content == nil {
            report(values.seq, "it lacks a seq, chain or content value", record: records)
        }
        return values
    }

    private static let statementMarker = Array(#","statement":"#.utf8)

    /// Where `needle` first occurs in `haystack` (the marker sits near a line's start).
    static func range(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { bytes in
            needle.withUnsafeBufferPointer { pattern in
                for offset in 0...(bytes.count - pattern.count)
                where bytes[offset] == first && memcmp(bytes.baseAddress! + offset, pattern.baseAddress!, pattern.count) == 0 {
                    return (haystack.startIndex + offset)..<(haystack.startIndex + offset + pattern.count)
                }
                return nil
            }
        }
    }

    /// The values of a CSV row under `columns` (those the export has).
    private mutating func csvValues(_ row: ArraySlice<UInt8>, _ columns: [ExportColumn]) -> Values? {
        guard case .success(let rows) = CSV.parse(Array(row)), let fields = rows.first, fields.count == columns.count else {
            report(nil, "the row does not have the manifest's \(columns.count) columns", record: records)
            return nil
        }
        func field(_ column: ExportColumn) -> String? { columns.firstIndex(of: column).map { fields[$0] } }
        var values = Values()
        values.seq = field(.seq).flatMap { Int64($0) }
        values.chain = field(.chain).flatMap(Digest.bytes(hex:))
        values.content = field(.content).flatMap(Digest.bytes(hex:))
        values.erased = field(.erasure).map { !$0.isEmpty } ?? false
        if let statement = field(.statement), !values.erased { values.statement = Array(statement.utf8) }
        return values
    }

    private mutating func checkTotals(fileSHA256: String) {
        if fileSHA256 != manifest.fileSHA256 {
            report(nil, "the file's SHA-256 is \(fileSHA256), the manifest says \(manifest.fileSHA256) (the file was changed)")
        }
        if records != manifest.count { report(nil, "the file has \(records) records, the manifest says \(manifest.count)") }
        if let previousSeq, previousSeq != manifest.lastSeq {
            report(nil, "the last record's seq is \(previousSeq), the manifest says \(manifest.lastSeq)")
        }
        if let lastChain, Digest.hex(lastChain) != manifest.chainHead {
            report(nil, "the last record's chain value is \(Digest.hex(lastChain)), the manifest's chain head \(manifest.chainHead)")
        }
    }
}

/// Splits a byte stream into records at line breaks; with `quoted` (CSV), not at line breaks
/// inside double-quoted fields. A record's trailing CR is dropped.
struct RecordSplitter {
    let quoted: Bool
    private var pending: [UInt8] = []
    private var insideQuotes = false

    init(quoted: Bool) {
        self.quoted = quoted
    }

    /// The records that `bytes` completes.
    mutating func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var records: [ArraySlice<UInt8>] = []
        let buffer = pending + bytes
        var start = 0
        var index = pending.count
        while let lineBreak = nextLineBreak(in: buffer, from: index) {
            var end = lineBreak
            if end > start && buffer[end - 1] == 0x0D { end -= 1 }
            records.append(buffer[start..<end])
            start = lineBreak + 1
            index = start
        }
        pending = Array(buffer[start...])
        return records
    }

    /// The next line break at or after `index` that ends a record.
    private mutating func nextLineBreak(in buffer: [UInt8], from index: Int) -> Int? {
        guard quoted else {
            return buffer.withUnsafeBytes { bytes in
                guard index < bytes.count, let base = bytes.baseAddress, let found = memchr(base + index, 0x0A, bytes.count - index) else {
                    return nil
                }
                return base.distance(to: UnsafeRawPointer(found))
            }
        }
        for position in index..<buffer.count {
            if buffer[position] == UInt8(ascii: "\"") { insideQuotes.toggle() }
            if buffer[position] == 0x0A && !insideQuotes { return position }
        }
        return nil
    }

    /// What is left after the last line break, if anything.
    mutating func finish() -> ArraySlice<UInt8>? {
        defer { pending = [] }
        return pending.isEmpty ? nil : pending[...]
    }
}
