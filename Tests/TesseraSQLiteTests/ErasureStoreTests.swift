import Foundation
import Logging
import TesseraCrypto
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// Erasure at the store: what the migration that introduced it derives, and what verification
/// says of a tombstone nobody recorded.
struct ErasureStoreTests {
    static let certificate = Array("certificate".utf8)

    static func withAttachment(actor: String) throws -> PreparedStatement {
        let sha2 = Digest.hex(Digest.sha256(certificate))
        return try prepared(statement(actor: actor, extra: #""attachments":[{"usageType":"https://example.com/cert","display":{"en-US":"C"},"contentType":"text/plain","length":11,"sha2":"\#(sha2.uppercased())"}]"#))
    }

    @Test func theMigrationLinksStoredStatementsToTheirAttachments() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("erasure.sqlite")
        let sha2 = Digest.hex(Digest.sha256(Self.certificate))
        let store = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        try await store.store(
            [try Self.withAttachment(actor: "ann"), try Self.withAttachment(actor: "bo"), try prepared(statement(actor: "cy"))],
            attachments: [AttachmentContent(sha2: sha2, contentType: "text/plain", content: Self.certificate)])
        store.close()
        try tamper(path, """
            DROP TABLE erased_statements; DROP TABLE audit_log; DROP TABLE statement_attachments; DROP TABLE learning_days;
            DROP TABLE accounts; ALTER TABLE credentials DROP COLUMN last_used_ms; DELETE FROM schema_migrations WHERE version >= 16
            """)
        let reopened = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        defer { reopened.close() }
        let connection = try SQLiteConnection(path: path, mode: .readOnly)
        let links = try connection.prepared("SELECT sha2, seq FROM statement_attachments ORDER BY seq")
        var found: [String] = []
        while try links.step() { found.append("\(links.text(0)) \(links.int64(1))") }
        links.reset()
        #expect(found == ["\(sha2) 1", "\(sha2) 2"], "lower-case hashes, as the writer records them")

        // Shared content stays until the last statement referring to it goes.
        let first = try await reopened.erase(.mbox("mailto:ann@example.com"), requestedBy: "test")
        #expect(first.statements == 1 && first.attachments == 0)
        #expect(try await reopened.attachments([sha2]).count == 1)
        let second = try await reopened.erase(.mbox("mailto:bo@example.com"), requestedBy: "test")
        #expect(second.statements == 1 && second.attachments == 1)
        #expect(try await reopened.attachments([sha2]).isEmpty)
        #expect(try await reopened.auditLog().map(\.id) == [1, 2])
    }

    @Test func aTombstoneNoErasureRecordedOrAnEditedAuditLogIsReported() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(4)
        let store = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        _ = try await store.erase(.mbox("mailto:learner1@example.com"), requestedBy: "test")
        store.close()
        #expect(try ReadOnlyStore(path: path).verifyChain().isIntact)

        // A statement deleted and disguised as erased, by an erasure nobody recorded.
        try tamper(path, """
            INSERT INTO erased_statements (seq, id, stored_ms, erasure) SELECT seq, id, stored_ms, 99 FROM statements WHERE seq = 3;
            DELETE FROM statements WHERE seq = 3
            """)
        try tamper(path, "UPDATE audit_log SET entry = CAST(replace(CAST(entry AS TEXT), '\"statements\":1', '\"statements\":0') AS BLOB)")
        let verification = try ReadOnlyStore(path: path).verifyChain()
        #expect(verification.problems.map(\.seq) == [3, nil])
        #expect(verification.problems.map(\.description).joined().contains("audit log entry 1"))
        _ = directory
    }

    @Test func aReferenceChainThroughAnErasedStatementIsCut() async throws {
        let temporary = try TemporaryStore()
        let (first, second, third) = ("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003")
        func reference(_ id: String, _ actor: String, to target: String) -> String {
            #"{"id":"\#(id)","actor":{"mbox":"mailto:\#(actor)@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/liked"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#
        }
        // 3 (cy) refers to 2 (ann), which refers to 1 (bo).
        try await temporary.store.store([
            try prepared(statement(id: first, actor: "bo", verb: "completed")), try prepared(reference(second, "ann", to: first)),
            try prepared(reference(third, "cy", to: second)),
        ])
        var query = StatementQuery()
        query.verb = "http://adlnet.gov/expapi/verbs/completed"
        #expect(try await documents(try temporary.store.query(query)).count == 3, "1, and 2 and 3 through the chain")
        _ = try await temporary.store.erase(.mbox("mailto:ann@example.com"), requestedBy: "test")
        let ids = try await documents(try temporary.store.query(query)).compactMap { $0["id"] as? String }
        #expect(ids == [first], "3 reached 1 only through 2")
    }
}
