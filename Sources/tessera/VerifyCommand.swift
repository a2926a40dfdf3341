import ArgumentParser
import Foundation
import TesseraConsole
import TesseraCrypto
import TesseraLRS
import TesseraServer

/// `tessera verify`: re-checks the hash chain of a database, an export file against its signed
/// manifest, or both (docs/audit.md).
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check the database's hash chain, or an export with its signed manifest; say exactly what is wrong, if anything.",
        discussion: """
            With neither option, checks the database TESSERA_DB names. With --export alone, checks the file against \
            FILE.manifest.json; add --db to compare every record with that database too (and trust its signing key), or \
            --public-key to name the key the manifest must be signed with.
            """)

    @Option(help: "Database: an SQLite file or a postgres:// URL (TESSERA_DB), only read: the server may be running.")
    var db: String?

    @Option(help: "An export file written by tessera export (its manifest beside it as FILE.manifest.json).")
    var export: String?

    @Option(help: "The manifest, if not FILE.manifest.json.")
    var manifest: String?

    @Option(help: "The public key (base64, as GET /export/public-key gives it) the manifest must be signed with.")
    var publicKey: String?

    @Option(help: "The signing key file whose public half the manifest must be signed with (default with --db: the one beside it, if present).")
    var signingKey: String?

    func run() async throws {
        var output = StandardOutput()
        defer { output.flush() }
        var intact = true
        if export == nil || db != nil {
            intact = try await verifyDatabase(Database(path: Settings.withoutFile.text(db, "db", default: "tessera.sqlite")), &output) && intact
        }
        if let export {
            intact = try await verifyExport(export, &output) && intact
        }
        output.flush()
        if !intact { throw ExitCode(1) }
    }

    private func verifyDatabase(_ database: Database, _ output: inout StandardOutput) async throws -> Bool {
        let verification = try await database.withReadingStore { try await $0.verifyChain() }
        guard verification.isIntact else {
            output.writeLine("hash chain BROKEN in \(database.name): \(verification.problems.count) problem(s)")
            for problem in verification.problems { output.writeLine("  \(problem)") }
            return false
        }
        output.writeLine(
            "hash chain intact: \(verification.statements) statements (\(verification.erased) erased), head \(verification.head)")
        return true
    }

    private func verifyExport(_ file: String, _ output: inout StandardOutput) async throws -> Bool {
        let trusted = try trustedKey()
        let manifestPath = manifest ?? file + ".manifest.json"
        let verification = if let db {
            try await Database(path: db).withReadingStore { store in
                try await ExportVerifier.verify(file: file, manifestPath: manifestPath, trustedKey: trusted, database: store)
            }
        } else {
            try await ExportVerifier.verify(file: file, manifestPath: manifestPath, trustedKey: trusted, database: nil)
        }
        let filtered = !verification.manifest.filters.isEmpty
        let checks = [
            trusted == nil
                ? "file SHA-256 and the signature under the key the manifest carries (origin NOT established: give --public-key, or --db with its signing key beside it)"
                : "file SHA-256 and the signature under the trusted key (origin established)",
            verification.chainRecomputed
                ? "chain recomputed over every record"
                : "each record's content hash (chain links not recomputable: "
                    + (filtered ? "the export is filtered" : "the CSV lacks the chain or content column") + ")",
            verification.comparedWithDatabase ? "every record matches the database's chain" : nil,
        ].compactMap { $0 }
        guard verification.isIntact else {
            output.writeLine("export BROKEN: \(file): \(verification.problems.count) problem(s)")
            for problem in verification.problems { output.writeLine("  \(problem)") }
            return false
        }
        let manifest = verification.manifest
        output.writeLine(
            "export intact: \(file): \(verification.records) records (seq \(manifest.firstSeq)–\(manifest.lastSeq)), "
                + "chain head \(manifest.chainHead); checked " + checks.joined(separator: ", "))
        return true
    }

    /// The raw public key the manifest must be signed with, if one is named (or lies beside
    /// the database).
    private func trustedKey() throws -> [UInt8]? {
        if let publicKey {
            guard let key = Base64.decode(Array(publicKey.utf8)[...], url: false), key.count == 32 else {
                throw ValidationError("--public-key must be a base64 Ed25519 public key (32 bytes)")
            }
            return key
        }
        let keyFile = signingKey ?? db.map { Database(path: $0).defaultSigningKeyPath }
        guard let keyFile, FileManager.default.fileExists(atPath: keyFile) else { return nil }
        return try SigningKeyFile.loadOrCreate(at: keyFile).publicKey()
    }
}
