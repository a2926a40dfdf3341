import ArgumentParser
import Foundation
import Logging
import TesseraConsole
import TesseraCrypto
import TesseraLRS
import XAPI

/// `tessera import FILE`: stores the statements of a file (NDJSON, or JSON arrays), streamed
/// whatever its size, with a progress bar, resumable (docs/operations.md, "Importing").
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the statements of a file (NDJSON or JSON arrays); run it again to resume after an interruption.",
        discussion: "On an SQLite file no server may be running: with one running, POST to it instead. On PostgreSQL it may run beside the servers.")

    @Argument(help: "The file: one statement per line, statements one after another, or JSON arrays of statements.")
    var file: String

    @OptionGroup var database: DatabaseOption

    @Option(name: .customLong("xapi-version"), help: "The xAPI version whose rules the statements are checked by: 1.0.3 or 2.0.0.")
    var xapiVersion: String = "1.0.3"

    @Option(help: "Statements per transaction.")
    var batch: Int = 500

    @Option(help: "Stop after this many statements (the next run resumes there).")
    var limit: Int?

    @Flag(help: "Start from the beginning of the file, ignoring the progress recorded by an earlier run.")
    var restart = false

    func run() async throws {
        guard let version = XAPIVersion(header: xapiVersion) else {
            throw ValidationError("--xapi-version must be 1.0.3 or 2.0.0, got \(xapiVersion)")
        }
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        let progressFile = ImportProgress.path(for: file)
        let done = restart ? nil : try ImportProgress.read(progressFile).flatMap { progress in
            try ImportProgress.fingerprint(of: file, before: progress.offset) == progress.fingerprint ? progress : nil
        }
        if let done { FileHandle.standardError.write(Data("resuming at byte \(done.offset) after \(done.statements) statements\n".utf8)) }
        let opened = try await database.target().open(logger: Logger(label: "tessera"))
        do {
            try await importStatements(into: opened.store, from: done, version: version)
            await opened.close()
        } catch {
            await opened.close()
            throw error
        }
    }

    /// Stores the file's statements after `done`, in batches, recording the progress after each.
    private func importStatements(into store: any LRSStore, from done: ImportProgress?, version: XAPIVersion) async throws {
        var done = done
        let progressFile = ImportProgress.path(for: file)
        let size = Int64(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0)
        var reader = try StatementFileReader(path: file, from: done?.offset ?? 0)
        var bar = ProgressLine(total: size)
        let resumedFrom = done?.offset ?? 0
        var total = done?.statements ?? 0
        var thisRun = 0
        // One batch is stored while the next is read and validated.
        var inFlight: (task: Task<Void, any Error>, through: ImportProgress)?
        func settle() async throws {
            guard let pending = inFlight else { return }
            inFlight = nil
            try await pending.task.value
            try pending.through.write(to: progressFile)
        }
        var failure: (any Error)?
        while failure == nil, limit.map({ thisRun < $0 }) ?? true {
            var prepared: [PreparedStatement] = []
            var end = done?.offset ?? 0
            do {
                while prepared.count < min(batch, (limit ?? .max) - thisRun), let item = try reader.next() {
                    prepared.append(try Self.prepare(item, statementNumber: total + prepared.count + 1, version: version))
                    end = item.offset + Int64(item.bytes.count)
                }
            } catch {
                // Store what came before the bad statement, then stop there.
                failure = error
            }
            if prepared.isEmpty { break }
            try await settle()
            total += prepared.count
            thisRun += prepared.count
            let batchToStore = prepared
            let through = ImportProgress(fingerprint: try ImportProgress.fingerprint(of: file, before: end), offset: end, statements: total)
            inFlight = (Task { try await store.store(batchToStore) }, through)
            done = through
            bar.show(done: end, statements: thisRun, resumedFrom: resumedFrom)
        }
        try await settle()
        bar.finish()
        if let failure { throw failure }
        let finished = try reader.next() == nil
        if finished { try? FileManager.default.removeItem(atPath: progressFile) }
        var output = StandardOutput()
        output.writeLine(
            "imported \(thisRun) statements from \(file) (\(total) in all)"
                + (finished ? "; the file is done" : "; stopped at --limit: run again to go on"))
        output.flush()
    }

    /// The statement in `item`, validated, with an id derived from its bytes and its place in
    /// the file when it has none, so that importing it again (after an interruption, or after
    /// fixing a later statement) stores nothing new.
    static func prepare(_ item: StatementFileReader.Item, statementNumber: Int, version: XAPIVersion) throws -> PreparedStatement {
        let parsed: ParsedStatements
        do {
            parsed = try StatementInput.parse(item.bytes, version: version)
        } catch {
            throw CommandFailure(description: "statement \(statementNumber) (byte \(item.offset)): \(error)")
        }
        switch parsed.results[0] {
        case .failure(let rejection):
            throw CommandFailure(
                description: "statement \(statementNumber) (byte \(item.offset)) is invalid: \(rejection); "
                    + "the statements before it are stored: fix it, then run again to go on from it")
        case .success(var statement):
            if statement.id == nil { statement.id = placeID(item) }
            return PreparedStatement(statement, authority: importAuthority, version: version, defines: true)
        }
    }

    /// The authority written into imported statements.
    static let importAuthority = Agent(name: "tessera import", identifier: .account(homePage: "urn:tessera:import", name: "import"))

    /// A name-based (version 5 layout) UUID for the statement `item`: its bytes at its offset.
    static func placeID(_ item: StatementFileReader.Item) -> XAPIUUID {
        var bytes = Array(Digest.sha1(Array("tessera-import:\(item.offset):".utf8) + item.bytes).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x50
        bytes[8] = bytes[8] & 0x3F | 0x80
        return XAPIUUID(bytes: bytes)!
    }
}

/// How far an import got, kept beside the file as FILE.import-progress (JSON) after each
/// committed batch.
struct ImportProgress: Equatable {
    /// SHA-256 of the file's first 64 KiB: the same file (or the same file grown longer).
    let fingerprint: String
    /// The byte after the last statement stored.
    let offset: Int64
    /// Statements stored from the file so far.
    let statements: Int

    static func path(for file: String) -> String { file + ".import-progress" }

    /// What identifies the file up to `offset`: the offset and the SHA-256 of the 64 KiB before
    /// it. A file fixed after the point reached (the usual case: the bad statement that stopped
    /// the import) still matches and the import resumes there; a file changed before it, or
    /// another file, does not, and the import starts over (storing nothing twice).
    static func fingerprint(of file: String, before offset: Int64) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw ValidationError("cannot read \(file)") }
        defer { try? handle.close() }
        let start = max(0, offset - 65_536)
        try handle.seek(toOffset: UInt64(start))
        let window = try handle.read(upToCount: Int(offset - start)) ?? Data()
        return "\(offset):" + Digest.hex(Digest.sha256(Array(window)))
    }

    static func read(_ path: String) -> ImportProgress? {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let fingerprint = object["fingerprint"] as? String, let offset = object["offset"] as? Int64,
            let statements = object["statements"] as? Int
        else { return nil }
        return ImportProgress(fingerprint: fingerprint, offset: offset, statements: statements)
    }

    func write(to path: String) throws {
        let text = #"{"fingerprint":"\#(fingerprint)","offset":\#(offset),"statements":\#(statements)}"# + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
