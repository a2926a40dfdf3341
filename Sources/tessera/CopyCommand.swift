import ArgumentParser
import Foundation
import Logging
import TesseraConsole
import TesseraCrypto
import TesseraLRS

/// `tessera copy --from A --to B`: moves a whole store to another database, either backend to
/// either, keeping ids, seq, stored times and the hash chain; resumable (docs/operations.md,
/// "Moving to another database").
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole store to another database (SQLite to PostgreSQL or back); run it again to resume or to take what was added since.",
        discussion: """
            Copies the statements with their seq, stored time and voided flag, the tombstones of erased ones, the hash chain \
            (computed again from what is stored, and checked equal to the source's at every statement), attachments, \
            documents with their ETags, canonical activity definitions, credentials, the audit log, the roster and the \
            catalog (loading it derives the analytics). The target must be new or a copy of the same source: a target \
            whose chain differs is refused. No server may run on the target; one may run on the source, and a second run \
            takes what it stored meanwhile. Ends by verifying the target's chain and comparing its head with the source's.
            """)

    @Option(help: "The store to copy: an SQLite file or a postgres:// URL (only read).")
    var from: String

    @Option(help: "The store to copy into: an SQLite file (created if missing) or a postgres:// URL (its database must exist).")
    var to: String

    @Option(help: "PostgreSQL only: connections to keep open to the target.")
    var connections: Int = 4

    @Option(help: "Chain positions (statements and tombstones) per transaction.")
    var batch: Int = 1_000

    func run() async throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        let source = Database(path: from), target = Database(path: to, connections: connections)
        guard source.path != target.path else { throw ValidationError("--from and --to name the same database") }
        var output = StandardOutput()
        defer { output.flush() }
        let started = ContinuousClock.now
        var copier = StoreCopier()
        copier.batch = batch
        let report = try await source.withReadingStore { reading in
            try await source.withCredentialRepository { sourceCredentials in
                let opened = try await target.open(logger: Logger(label: "tessera"))
                var bar: ProgressLine?
                do {
                    let report = try await copier.copy(
                        from: reading, credentials: sourceCredentials, to: opened.copyTarget, credentials: opened.repository
                    ) { progress in
                        if bar == nil { bar = ProgressLine(total: progress.total) }
                        bar?.show(done: progress.done, statements: progress.statements, resumedFrom: progress.resumedAfter)
                    }
                    bar?.finish()
                    await opened.close()
                    return report
                } catch {
                    bar?.finish()
                    await opened.close()
                    throw error
                }
            }
        }
        // People's accounts, beside the API credentials the copier brought over.
        let newAccounts = try await source.withCredentialRepository(of: .people) { accounts in
            try await target.withCredentialRepository(of: .people) { try await accounts.copy(to: $0) }
        }
        if report.resumedAfter > 0 { output.writeLine("resumed after seq \(report.resumedAfter)") }
        output.writeLine("""
            copied \(report.statements) statements and \(report.tombstones) tombstones, \(report.auditEntries) audit log entries, \
            \(report.attachments) attachments, \(report.documents) documents, \(report.definitions) activity definitions, \
            \(report.newCredentials) new credentials, \(newAccounts) new accounts, \(report.rosterPeople) roster entries, \(report.catalog ? "the catalog" : "no catalog")
            """)
        // Read back as any reader would: the chain verifies and ends where the source's does.
        let (verification, sourceHead) = try await target.withReadingStore { copied in
            let verification = try await copied.verifyChain()
            let last = try await copied.lastStoredSeq()
            return (verification, try await source.withReadingStore { try await $0.chainRows([last])[last]?.chain })
        }
        guard verification.isIntact else {
            output.writeLine("the copy's hash chain does NOT verify: \(verification.problems.count) problem(s)")
            for problem in verification.problems { output.writeLine("  \(problem)") }
            throw ExitCode(1)
        }
        let headMatches = sourceHead.map { Digest.hex($0) == verification.head } ?? (verification.statements == 0)
        guard headMatches else { throw CommandFailure(description: "the copy's chain head \(verification.head) is not the source's") }
        let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
        output.writeLine(
            "copied in \(String(format: "%.1f", seconds)) s; hash chain intact: \(verification.statements) statements "
                + "(\(verification.erased) erased), head \(verification.head), equal to the source's")
    }
}
