import TesseraAnalytics
import XAPI

/// Copies a whole store into another, either backend into either (`tessera copy`): the audit
/// log first (tombstones name its entries), then the chain of statements and tombstones, the
/// attachments, documents, canonical definitions and credentials, and last the roster and the
/// catalog (loading it derives the analytics from the statements copied). Run again, it goes
/// on after the target's chain head, provided the target's chain is the source's up to there.
public struct StoreCopier: Sendable {
    /// Chain positions per transaction.
    public var batch = 1_000

    /// What one run copied.
    public struct Report: Sendable, Equatable {
        /// The target's chain head before the run (0: a new target).
        public var resumedAfter: Int64 = 0
        /// Statements copied in this run.
        public var statements = 0
        /// Tombstones of erased statements copied in this run.
        public var tombstones = 0
        /// Entries of the source's audit log (those the target had are left as they are).
        public var auditEntries = 0
        /// Pieces of attachment content written.
        public var attachments = 0
        /// Documents written.
        public var documents = 0
        /// Canonical activity definitions written.
        public var definitions = 0
        /// Credentials the target did not have yet.
        public var newCredentials = 0
        /// People in the roster written.
        public var rosterPeople = 0
        /// True when the source had a catalog, now loaded into the target.
        public var catalog = false
    }

    /// How far the chain's copy is, after each batch.
    public struct Progress: Sendable {
        /// The target's chain head when the run began.
        public let resumedAfter: Int64
        /// The last seq copied.
        public let done: Int64
        /// The source's last seq.
        public let total: Int64
        /// Statements copied in this run.
        public let statements: Int
    }

    /// A copier with the default batch size.
    public init() {}

    /// Copies `source` into `target`; `progress` is told how far the chain is after each batch.
    public func copy(
        from source: any StoreCopySource, credentials sourceCredentials: any CredentialRepository,
        to target: any StoreCopyTarget, credentials targetCredentials: any CredentialRepository,
        progress: (Progress) -> Void = { _ in }
    ) async throws -> Report {
        var report = Report()
        let head = try await target.chainHead()
        if head.seq > 0, try await source.chainRows([head.seq])[head.seq]?.chain != head.chain {
            throw CopyMismatch("the target holds statements that are not a copy of the source's (the chains differ at seq \(head.seq)): copy into a new database")
        }
        report.resumedAfter = head.seq
        let audit = try await source.auditLog()
        if !audit.isEmpty { try await target.copy(.auditLog(audit)) }
        report.auditEntries = audit.count
        (report.statements, report.tombstones) = try await copyChain(from: source, to: target, after: head.seq, progress: progress)
        var lastHash = ""
        while case let page = try await source.attachmentRecords(after: lastHash, limit: 64), let last = page.last {
            try await target.copy(.attachments(page))
            report.attachments += page.count
            lastHash = last.sha2
        }
        var lastKey: DocumentRecord.Key?
        while case let page = try await source.documentRecords(after: lastKey, limit: 500), let last = page.last {
            try await target.copy(.documents(page))
            report.documents += page.count
            lastKey = last.key
        }
        let definitions = try await source.definitionRecords()
        for start in stride(from: 0, to: definitions.count, by: 1_000) {
            try await target.copy(.definitions(Array(definitions[start..<min(start + 1_000, definitions.count)])))
        }
        report.definitions = definitions.count
        report.newCredentials = try await sourceCredentials.copy(to: targetCredentials)
        let roster = try await source.roster()
        try await target.replaceRoster(roster)
        report.rosterPeople = roster.people.count
        if let catalog = try await source.catalog() {
            try await target.replaceCatalog(catalog)
            report.catalog = true
        }
        return report
    }

    /// Copies the chain after `seq`, each batch written while the next is read.
    private func copyChain(
        from source: any StoreCopySource, to target: any StoreCopyTarget, after seq: Int64,
        progress: (Progress) -> Void
    ) async throws -> (statements: Int, tombstones: Int) {
        let total = try await source.lastStoredSeq()
        var statements = 0, tombstones = 0, done = seq
        var writing: Task<Void, any Error>?
        while case let records = try await source.chainRecords(after: done, limit: batch), let last = records.last {
            try await writing?.value
            writing = Task { try await target.copy(.chain(records)) }
            for record in records {
                if case .erased = record { tombstones += 1 } else { statements += 1 }
            }
            done = last.seq
            progress(Progress(resumedAfter: seq, done: done, total: max(total, done), statements: statements))
        }
        try await writing?.value
        return (statements, tombstones)
    }
}
