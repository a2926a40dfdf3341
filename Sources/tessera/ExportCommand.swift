import ArgumentParser
import Foundation
import TesseraConsole
import TesseraCrypto
import TesseraLRS
import TesseraServer
import XAPI

/// `tessera export`: the stored statements to an NDJSON or CSV file, with a signed manifest
/// beside it (docs/audit.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the stored statements (with their chain values) to FILE and a signed FILE.manifest.json.",
        discussion: "The database is only read: the server may be running.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "The export file to write.")
    var out: String

    @Option(help: "ndjson (default: one record per line, each statement's stored bytes verbatim) or csv.")
    var format: String = "ndjson"

    @Option(help: "CSV columns, comma-separated (default: \(ExportColumn.defaults.map(\.rawValue).joined(separator: ","))).")
    var columns: String?

    @Option(help: "The Ed25519 signing key (TESSERA_SIGNING_KEY; default: the SQLite path + .signing-key.pem, or tessera.signing-key.pem for PostgreSQL; created if missing).")
    var signingKey: String?

    @Option(help: "Only statements stored after this timestamp.")
    var since: String?

    @Option(help: "Only statements stored at or before this timestamp.")
    var until: String?

    @Option(help: "Only statements whose actor or object is this Agent (JSON, e.g. {\"mbox\":\"mailto:ann@example.com\"}).")
    var agent: String?

    @Option(help: "Only statements whose verb is this IRI.")
    var verb: String?

    @Option(help: "Only statements whose object is this activity IRI.")
    var activity: String?

    @Option(help: "Only statements with this context registration (UUID).")
    var registration: String?

    @Option(help: "true (default): voided statements too, marked; false: without them.")
    var includeVoided: String?

    func run() async throws {
        let given = [
            "since": since, "until": until, "agent": agent, "verb": verb, "activity": activity, "registration": registration,
            "includeVoided": includeVoided,
        ].compactMapValues { $0 }
        let (format, filter): (ExportFormat, ExportFilter)
        do {
            format = try ExportFormat.parse(format: self.format, columns: columns).get()
            filter = try ExportFilter.parse(given).get()
        } catch {
            throw ValidationError("--\(error.path) \(error.message)")
        }
        let settings = try await database.settings()
        let target = try database.target(settings)
        let key = try SigningKeyFile.loadOrCreate(at: settings.text(signingKey, "signing-key", default: target.defaultSigningKeyPath))
        try await target.withReadingStore { store in try await write(from: store, format: format, filter: filter, given: given, key: key) }
    }

    /// Writes the export of `store` and its signed manifest.
    private func write(from store: any ReadingStore, format: ExportFormat, filter: ExportFilter, given: [String: String], key: Ed25519Key) async throws {
        var cursor = try await ExportCursor(store, filter: filter)
        guard FileManager.default.createFile(atPath: out, contents: nil), let file = FileHandle(forWritingAtPath: out) else {
            throw ValidationError("cannot create \(out)")
        }
        defer { try? file.close() }
        let hasher = BackgroundHasher()
        var progress = ProgressLine(total: cursor.through)
        var manifest = ExportManifest(
            format: format, count: 0, firstSeq: 0, lastSeq: 0, chainHead: "", fileSHA256: "", filters: given,
            created: XAPITimestamp.now().text)
        func write(_ bytes: [UInt8]) async throws {
            try file.write(contentsOf: bytes)
            hasher.update(bytes)
        }
        try await write(format.header)
        while let records = try await cursor.next(), let last = records.last {
            try await write(format.encode(records))
            if manifest.count == 0 { manifest.firstSeq = records[0].seq }
            manifest.count += records.count
            manifest.lastSeq = last.seq
            manifest.chainHead = Digest.hex(last.chain)
            progress.show(done: last.seq, statements: manifest.count)
        }
        try file.synchronize()
        manifest.fileSHA256 = Digest.hex(hasher.finish())
        try manifest.sign(with: key)
        try Data(manifest.json() + [0x0A]).write(to: URL(fileURLWithPath: out + ".manifest.json"))
        progress.finish()
        var output = StandardOutput()
        output.writeLine(
            "exported \(manifest.count) statements (seq \(manifest.firstSeq)–\(manifest.lastSeq)) to \(out); "
                + "manifest \(out).manifest.json, chain head \(manifest.chainHead)")
        output.flush()
    }
}
