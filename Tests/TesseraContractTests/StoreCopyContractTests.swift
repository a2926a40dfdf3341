import Foundation
import TesseraAnalytics
import TesseraCrypto
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// `tessera copy` (`StoreCopier`) from every backend to every backend: the copy is the same
/// store, record for record and figure for figure, and a second run resumes.
struct StoreCopyContractTests {
    static func uuid(_ number: Int) -> XAPIUUID { XAPIUUID("00000000-0000-4000-8000-" + String(format: "%012d", number))! }

    static let learners = "mbox,name,team,hired,left\nmailto:ann@example.com,Ann,Sales,2020-01-01,\n"
        + "mailto:bo@example.com,Bo,Ops,2020-01-01,2024-06-30\nmailto:cy@example.com,Cy,Ops,2021-01-01,\n"

    /// A store with every kind of record: scored statements under a catalog and roster, a
    /// statement voided after it was stored and one whose voiding statement came first, a
    /// StatementRef, an attachment and a canonical definition, an erased person, documents of
    /// every kind and credentials (one revoked).
    static func fill(_ store: any LRSStore, credentials repository: any CredentialRepository) async throws {
        try await store.replaceCatalog(try Catalog.read(Array(AnalyticsAndAuditContractTests.catalog.utf8)).get())
        try await store.replaceRoster(try Roster.read(csv: Array(learners.utf8)).get())
        typealias Scored = AnalyticsAndAuditContractTests
        try await store.store([
            try Scored.scored("ann", 0.6, at: "2024-03-01T10:00:00Z"), try Scored.scored("ann", 0.9, at: "2024-05-05T10:00:00Z"),
            try Scored.scored("bo", 0.7, at: "2024-03-05T11:00:00Z"), try Scored.scored("cy", 0.8, at: "2024-03-06T11:00:00Z"),
        ])
        try await store.store([try prepared(statement(id: uuid(1).description, actor: "bo"))])
        try await store.store([try prepared(statement(
            id: uuid(2).description, actor: "ann", verb: "voided", activity: "x",
            extra: #""object":{"objectType":"StatementRef","id":"\#(uuid(1))"}"#).replacingOccurrences(
                of: #","object":{"id":"https://courses.example.com/x"}"#, with: ""))])
        // Voided on arrival: its voiding statement was stored first.
        try await store.store([try prepared(statement(
            id: uuid(3).description, actor: "ann", verb: "voided", activity: "x",
            extra: #""object":{"objectType":"StatementRef","id":"\#(uuid(4))"}"#).replacingOccurrences(
                of: #","object":{"id":"https://courses.example.com/x"}"#, with: ""))])
        try await store.store([try prepared(statement(id: uuid(4).description, actor: "bo"))])
        try await store.store([try prepared(statement(
            id: uuid(5).description, actor: "bo", verb: "commented", activity: "x",
            extra: #""object":{"objectType":"StatementRef","id":"\#(uuid(6))"}"#).replacingOccurrences(
                of: #","object":{"id":"https://courses.example.com/x"}"#, with: ""))])
        try await store.store([try prepared(statement(id: uuid(6).description, actor: "bo", activity: "course-2"))])
        let content = Array("certificate".utf8)
        let sha2 = Digest.hex(Digest.sha256(content))
        let json = #"{"id":"\#(uuid(7))","actor":{"mbox":"mailto:bo@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"#
            + #""object":{"id":"https://courses.example.com/defined","definition":{"name":{"en-US":"Defined"}}},"attachments":[{"usageType":"#
            + #""http://id.tincanapi.com/attachment/certificate","display":{"en-US":"Certificate"},"contentType":"text/plain","length":11,"#
            + #""sha2":"\#(sha2)"}]}"#
        let parsed = try StatementInput.parse(Array(json.utf8), version: .v1_0_3).results[0].get()
        try await store.store(
            [PreparedStatement(parsed, authority: testAuthority, version: .v1_0_3, defines: true)],
            attachments: [AttachmentContent(sha2: sha2, contentType: "text/plain", content: content)])
        _ = try await store.erase(.mbox("mailto:cy@example.com"), requestedBy: "ticket 9")
        for change in documentChanges {
            try await store.apply(change)
        }
        let credentials = Credentials(repository: repository)
        _ = try await credentials.create(name: "course", scopes: [.statementsWrite])
        let revoked = try await credentials.create(name: "old course", scopes: [.all])
        _ = try await credentials.revoke(key: revoked.credential.key)
    }

    static let ann = InverseFunctionalIdentifier.mbox("mailto:ann@example.com")
    static let documentScopes = [
        DocumentScope(kind: .state, activity: "https://courses.example.com/quiz", agent: ann, registration: uuid(40)),
        DocumentScope(kind: .state, activity: "https://courses.example.com/quiz", agent: ann),
        DocumentScope(kind: .activityProfile, activity: "https://courses.example.com/quiz"),
        DocumentScope(kind: .agentProfile, agent: ann),
    ]
    static let documentChanges = documentScopes.enumerated().map { number, scope in
        DocumentChange(scope: scope, id: "doc", action: .replace(content: Array(#"{"n":\#(number)}"#.utf8), contentType: "application/json"))
    }

    @Test(arguments: Backends.all, Backends.all)
    func aCopyIsTheSameStoreAndASecondRunResumes(from sourceBackend: any StoreBackend, to targetBackend: any StoreBackend) async throws {
        let source = try await sourceBackend.openCopyable()
        let target = try await targetBackend.openCopyable()
        defer {
            Task {
                await source.close()
                await target.close()
            }
        }
        try await Self.fill(source.store, credentials: source.credentials)
        var copier = StoreCopier()
        copier.batch = 3
        let report = try await copier.copy(from: try source.source(), credentials: source.credentials, to: target.store, credentials: target.credentials)
        #expect(report.statements == 10 && report.tombstones == 1, "\(report)")
        #expect(report.auditEntries == 1 && report.attachments == 1 && report.documents == 4 && report.definitions == 1)
        #expect(report.newCredentials == 2 && report.rosterPeople == 2 && report.catalog)

        let original = try await source.store.verifyChain(), copied = try await target.store.verifyChain()
        #expect(copied.isIntact, "\(copied.problems)")
        #expect(copied.head == original.head && copied.statements == original.statements && copied.erased == original.erased)
        try await Self.expectSameRecords(source, target)
        try await Self.expectSameFigures(source.store, target.store)

        let again = try await copier.copy(from: try source.source(), credentials: source.credentials, to: target.store, credentials: target.credentials)
        #expect(again.resumedAfter == 11 && again.statements == 0 && again.newCredentials == 0, "a second run takes nothing twice")
        try await source.store.store([try prepared(statement(actor: "ann", verb: "attempted"))])
        let rest = try await copier.copy(from: try source.source(), credentials: source.credentials, to: target.store, credentials: target.credentials)
        #expect(rest.resumedAfter == 11 && rest.statements == 1, "a later run takes what the source stored since")
        #expect(try await target.store.verifyChain().head == (try await source.store.verifyChain().head))

        // The copy goes on as a store of its own: a new statement is stored after the copied ones.
        let last = try #require(try await target.store.query(StatementQuery()).lastStored)
        try await target.store.store([try prepared(statement(actor: "bo", verb: "attempted"))])
        var newest = StatementQuery()
        newest.limit = 1
        #expect(try #require(try await target.store.query(newest).lastStored) >= last)
        #expect(try await target.store.verifyChain().isIntact)
    }

    @Test(arguments: Backends.all)
    func aTargetThatIsNotACopyOfTheSourceIsRefusedAndKeptAsItWas(backend: any StoreBackend) async throws {
        let source = try await backend.openCopyable()
        let target = try await backend.openCopyable()
        defer {
            Task {
                await source.close()
                await target.close()
            }
        }
        try await source.store.store([try prepared(statement(actor: "ann")), try prepared(statement(actor: "bo"))])
        try await target.store.store([try prepared(statement(actor: "cy"))])
        let before = try await target.store.verifyChain()
        await #expect(throws: CopyMismatch.self) {
            _ = try await StoreCopier().copy(from: try source.source(), credentials: source.credentials, to: target.store, credentials: target.credentials)
        }
        let after = try await target.store.verifyChain()
        #expect(after.head == before.head && after.statements == 1)
    }

    /// Every record the source holds, the target holds the same.
    static func expectSameRecords(_ source: CopyableStore, _ target: CopyableStore) async throws {
        var all = StatementQuery()
        all.ascending = true
        let statements = try await source.store.query(all).statements
        #expect(statements.count == 8, "10 stored, 2 voided")
        #expect(try await target.store.query(all).statements == statements)
        for filter in [Self.filter { $0.agent = Self.ann }, Self.filter { $0.verb = "http://adlnet.gov/expapi/verbs/voided" },
                       Self.filter { $0.activity = "https://courses.example.com/quiz"; $0.relatedActivities = true }] {
            #expect(try await target.store.query(filter).statements == (try await source.store.query(filter).statements))
        }
        for id in [uuid(1), uuid(4)] {
            let voided = try #require(try await source.store.statement(id: id, voided: true))
            #expect(try await target.store.statement(id: id, voided: true)?.body == voided.body)
        }
        let sha2 = Digest.hex(Digest.sha256(Array("certificate".utf8)))
        #expect(try await target.store.attachments([sha2], deliveredUnder: testAuthority.identifier)
                == (try await source.store.attachments([sha2], deliveredUnder: testAuthority.identifier)))
        #expect(try await target.store.activityDefinitions(["https://courses.example.com/defined"])
                == (try await source.store.activityDefinitions(["https://courses.example.com/defined"])))
        for scope in documentScopes {
            let document = try #require(try await source.store.document(scope, id: "doc"))
            #expect(try await target.store.document(scope, id: "doc") == document)
        }
        #expect(try await target.store.auditLog().map(\.line) == (try await source.store.auditLog().map(\.line)))
        #expect(try await target.credentials.list() == (try await source.credentials.list()))
        for credential in try await source.credentials.list() {
            #expect(try await target.credentials.stored(key: credential.key)?.secretHash == (try await source.credentials.stored(key: credential.key))?.secretHash)
        }
        #expect(try await target.store.catalog() == (try await source.store.catalog()))
        #expect(try await target.store.roster() == (try await source.store.roster()))
        #expect(try await exported(target.store) == (try await exported(source.store)))
    }

    /// Every analytics report gives the same figures.
    static func expectSameFigures(_ source: any LRSStore, _ target: any LRSStore) async throws {
        let proficiency = try #require(try await source.proficiencyReport(asOf: nil, skill: nil, team: nil)).rows
        #expect(!proficiency.isEmpty)
        #expect(try await target.proficiencyReport(asOf: nil, skill: nil, team: nil)?.rows == proficiency)
        let asOf = try Self.milliseconds("2024-04-01T00:00:00Z")
        #expect(try await target.proficiencyReport(asOf: asOf, skill: nil, team: "Sales")?.rows
                == (try await source.proficiencyReport(asOf: asOf, skill: nil, team: "Sales"))?.rows)
        let (from, to) = (try Self.milliseconds("2024-01-01T00:00:00Z"), try Self.milliseconds("2024-12-31T00:00:00Z"))
        #expect(try await target.outcomes(program: nil, from: from, to: to, windowDays: 90, team: nil)?.outcomes
                == (try await source.outcomes(program: nil, from: from, to: to, windowDays: 90, team: nil))?.outcomes)
        #expect(try await target.knowledgeRetention(skill: nil, minDays: 30)?.rows == (try await source.knowledgeRetention(skill: nil, minDays: 30))?.rows)
        #expect(try await target.employeeRetention(program: nil, from: from, to: to, byTeam: true)?.rows
                == (try await source.employeeRetention(program: nil, from: from, to: to, byTeam: true))?.rows)
        let days = try #require(try await source.learningDays())
        #expect(try await target.learningDays() == days)
        #expect(try await target.statementVolume(from: days.lowerBound, to: days.upperBound) == (try await source.statementVolume(from: days.lowerBound, to: days.upperBound)))
    }

    static func milliseconds(_ text: String) throws -> Int64 {
        try XAPITimestamp.parse(text, version: .v2_0_0).get().milliseconds
    }

    static func filter(_ set: (inout StatementQuery) -> Void) -> StatementQuery {
        var query = StatementQuery()
        set(&query)
        return query
    }

    static func exported(_ store: any LRSStore) async throws -> [[UInt8]] {
        var cursor = try await ExportCursor(store, filter: ExportFilter())
        var lines: [[UInt8]] = []
        while let chunk = try await cursor.next() { lines += chunk.map(\.line) }
        return lines
    }
}
