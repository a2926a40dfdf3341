import Foundation
import TesseraCrypto
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// `StatementStore`'s contract, the same for every backend.
struct StatementContractTests {
    static func id(_ number: Int) -> String { "00000000-0000-4000-8000-" + String(format: "%012d", number) }
    static func uuid(_ number: Int) -> XAPIUUID { XAPIUUID(id(number))! }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static func actors(_ page: StatementPage) throws -> [String] {
        try page.statements.map { try ((object($0)["actor"] as? [String: Any])?["mbox"] as? String) ?? "?" }
    }

    @Test(arguments: Backends.all)
    func aStoredStatementReadsBackWithItsStoredTimeAndAuthority(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            try await opened.store.store([try prepared(statement(id: Self.id(1), actor: "ann"))])
            let stored = try #require(try await opened.store.statement(id: Self.uuid(1)))
            let json = try Self.object(stored.body)
            #expect(json["id"] as? String == Self.id(1))
            #expect(json["stored"] as? String == stored.stored.text)
            #expect((json["authority"] as? [String: Any])?["name"] as? String == "Test client")
            #expect(try await opened.store.statement(id: Self.uuid(2)) == nil)
        }
    }

    @Test(arguments: Backends.all)
    func sameIdIsANoOpWhenEquivalentAndAConflictOtherwiseAndARejectedBatchStoresNothing(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            try await store.store([try prepared(statement(id: Self.id(1), actor: "ann"))])
            let first = try #require(try await store.statement(id: Self.uuid(1)))
            try await store.store([try prepared(statement(id: Self.id(1), actor: "ann"))])
            #expect(try await store.statement(id: Self.uuid(1))?.body == first.body, "the equivalent statement changed nothing")
            await #expect(throws: StoreRejection.conflict(Self.uuid(1))) {
                try await store.store([try prepared(statement(id: Self.id(2), actor: "bo")), try prepared(statement(id: Self.id(1), actor: "cy"))])
            }
            #expect(try await store.statement(id: Self.uuid(2)) == nil, "nothing of the rejected batch was stored")
            #expect(try await store.query(StatementQuery()).statements.count == 1)
        }
    }

    @Test(arguments: Backends.all)
    func voidingHidesTheTargetFromQueriesButNotFromAVoidedRead(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            try await store.store([try prepared(statement(id: Self.id(1), actor: "ann"))])
            try await store.store([try prepared(voidingStatement(id: Self.id(2), target: Self.id(1)))])
            #expect(try await store.statement(id: Self.uuid(1)) == nil, "a voided statement is read with voidedStatementId")
            #expect(try await store.statement(id: Self.uuid(1), voided: true) != nil)
            let page = try await store.query(StatementQuery())
            #expect(page.statements.count == 1, "only the voiding statement is listed")
            await #expect(throws: StoreRejection.voidsVoidingStatement(Self.uuid(2))) {
                try await store.store([try prepared(voidingStatement(id: Self.id(3), target: Self.id(2)))])
            }
        }
    }

    @Test(arguments: Backends.all)
    func queriesFilterOrderAndPage(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            let registration = "6fbd6b7c-2b35-4f6c-9d1e-2a1f0e4b7c11"
            try await store.store([
                try prepared(statement(id: Self.id(1), actor: "ann", verb: "attempted", activity: "a")),
                try prepared(statement(id: Self.id(2), actor: "bo", verb: "completed", activity: "b")),
            ])
            let middle = try #require(try await store.statement(id: Self.uuid(2))).stored
            try await Task.sleep(for: .milliseconds(5))
            try await store.store([
                try prepared(statement(id: Self.id(3), actor: "ann", verb: "completed", activity: "b", extra: #""context":{"registration":"\#(registration)"}"#)),
            ])
            var query = StatementQuery()
            #expect(try Self.actors(await store.query(query)) == ["mailto:ann@example.com", "mailto:bo@example.com", "mailto:ann@example.com"],
                    "newest first")
            query.ascending = true
            #expect(try await store.query(query).statements.first.map(Self.object)?["id"] as? String == Self.id(1))

            var byAgent = StatementQuery()
            byAgent.agent = .mbox("mailto:ann@example.com")
            #expect(try await store.query(byAgent).statements.count == 2)
            var byVerb = StatementQuery()
            byVerb.verb = "http://adlnet.gov/expapi/verbs/completed"
            #expect(try await store.query(byVerb).statements.count == 2)
            var byActivity = StatementQuery()
            byActivity.activity = "https://courses.example.com/b"
            #expect(try await store.query(byActivity).statements.count == 2)
            var byRegistration = StatementQuery()
            byRegistration.registration = XAPIUUID(registration)
            #expect(try await store.query(byRegistration).statements.count == 1)
            var since = StatementQuery()
            since.since = middle
            #expect(try await store.query(since).statements.count == 1, "since is exclusive")
            var until = StatementQuery()
            until.until = middle
            #expect(try await store.query(until).statements.count == 2, "until is inclusive")

            var paged = StatementQuery()
            paged.limit = 2
            let first = try await store.query(paged)
            #expect(first.statements.count == 2)
            let next: Int64 = try #require(first.next)
            paged.after = next
            let second = try await store.query(paged)
            #expect(second.statements.count == 1)
            #expect(Set(try (first.statements + second.statements).map { try Self.object($0)["id"] as? String }) == Set([Self.id(1), Self.id(2), Self.id(3)]))
        }
    }

    @Test(arguments: Backends.all)
    func readMineSeesOnlyItsOwnAuthority(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            try await opened.store.store([try prepared(statement(id: Self.id(1)))])
            var mine = StatementQuery()
            mine.authority = testAuthority.identifier
            #expect(try await opened.store.query(mine).statements.count == 1)
            mine.authority = .account(homePage: "https://tessera.example.com", name: "someone-else")
            #expect(try await opened.store.query(mine).statements.isEmpty)
            #expect(try await opened.store.statement(id: Self.uuid(1), voided: false, authority: mine.authority) == nil)
        }
    }

    @Test(arguments: Backends.all)
    func attachmentsAndCanonicalDefinitionsAreKept(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let content = Array("certificate".utf8)
            let sha2 = Digest.sha256(content).map { String(format: "%02x", $0) }.joined()
            let attachment = #"{"usageType":"http://id.tincanapi.com/attachment/certificate","display":{"en-US":"Certificate"},"contentType":"text/plain","length":11,"sha2":"\#(sha2)"}"#
            let json = #"{"id":"\#(Self.id(1))","actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"#
                + #""object":{"id":"https://courses.example.com/defined","definition":{"name":{"en-US":"Defined"}}},"attachments":[\#(attachment)]}"#
            let parsed = try StatementInput.parse(Array(json.utf8), version: .v1_0_3).results[0].get()
            try await opened.store.store(
                [PreparedStatement(parsed, authority: testAuthority, version: .v1_0_3, defines: true)],
                attachments: [AttachmentContent(sha2: sha2, contentType: "text/plain", content: content)])
            #expect(try await opened.store.attachments([sha2]) == [AttachmentContent(sha2: sha2, contentType: "text/plain", content: content)])
            #expect(try await opened.store.attachments([sha2], deliveredUnder: testAuthority.identifier).count == 1, "delivered under this authority")
            #expect(try await opened.store.attachments([sha2], deliveredUnder: .account(homePage: "https://tessera.example.com", name: "other")).isEmpty,
                    "another authority is not served content it did not deliver")
            let definitions = try await opened.store.activityDefinitions(["https://courses.example.com/defined"])
            let definition = try #require(definitions["https://courses.example.com/defined"])
            #expect(String(decoding: definition, as: UTF8.self).contains("Defined"))
        }
    }
}

/// A statement by ann voiding `target`.
func voidingStatement(id: String, target: String) -> String {
    #"{"id":"\#(id)","actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#
}
