import Foundation
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// `DocumentStore`'s contract: documents under their scope, preconditions, JSON merging, lists
/// and deletion, the same for every backend.
struct DocumentContractTests {
    static let scope = DocumentScope(kind: .state, activity: "https://courses.example.com/c", agent: .mbox("mailto:ann@example.com"))

    static func replace(_ text: String, _ precondition: DocumentPrecondition = .none, id: String = "bookmark") -> DocumentChange {
        DocumentChange(scope: scope, id: id, action: .replace(content: Array(text.utf8), contentType: "application/json"), precondition: precondition)
    }

    @Test(arguments: Backends.all)
    func documentsRoundTripUnderTheirScopeWithAnETag(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            try await store.apply(Self.replace(#"{"page":1}"#))
            let stored = try #require(try await store.document(Self.scope, id: "bookmark"))
            #expect(stored.content == Array(#"{"page":1}"#.utf8))
            #expect(stored.contentType == "application/json")
            #expect(!stored.etag.isEmpty)
            let other = DocumentScope(kind: .state, activity: "https://courses.example.com/c", agent: .mbox("mailto:bo@example.com"))
            #expect(try await store.document(other, id: "bookmark") == nil, "another agent's scope is another document")
            #expect(try await store.document(DocumentScope(kind: .activityProfile, activity: "https://courses.example.com/c"), id: "bookmark") == nil)
        }
    }

    @Test(arguments: Backends.all)
    func preconditionsDecideWhetherAWriteHappens(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            try await store.apply(Self.replace(#"{"page":1}"#, DocumentPrecondition(ifMatch: nil, ifNoneMatch: ["*"], requirement: .always)))
            let etag = try #require(try await store.document(Self.scope, id: "bookmark")).etag
            await #expect(throws: DocumentRejection.self) {
                try await store.apply(Self.replace(#"{"page":2}"#, DocumentPrecondition(ifMatch: nil, ifNoneMatch: ["*"], requirement: .always)))
            }
            await #expect(throws: DocumentRejection.self) {
                try await store.apply(Self.replace(#"{"page":2}"#, DocumentPrecondition(ifMatch: ["not-the-etag"], ifNoneMatch: nil, requirement: .always)))
            }
            #expect(try await store.document(Self.scope, id: "bookmark")?.content == Array(#"{"page":1}"#.utf8), "refused writes changed nothing")
            try await store.apply(Self.replace(#"{"page":3}"#, DocumentPrecondition(ifMatch: [etag], ifNoneMatch: nil, requirement: .always)))
            let updated = try #require(try await store.document(Self.scope, id: "bookmark"))
            #expect(updated.content == Array(#"{"page":3}"#.utf8))
            #expect(updated.etag != etag)
        }
    }

    @Test(arguments: Backends.all)
    func postMergesJSONAndDeletionRemovesOneOrAll(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            try await store.apply(Self.replace(#"{"page":1,"score":5}"#))
            try await store.apply(DocumentChange(
                scope: Self.scope, id: "bookmark", action: .merge(content: Array(#"{"page":2,"seen":true}"#.utf8), contentType: "application/json")))
            let merged = try #require(try await store.document(Self.scope, id: "bookmark"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(merged.content)) as? [String: Any])
            #expect(object["page"] as? Int == 2 && object["score"] as? Int == 5 && object["seen"] as? Bool == true)

            try await store.apply(Self.replace("{}", id: "second"))
            #expect(Set(try await store.documentIDs(Self.scope, since: nil)) == ["bookmark", "second"])
            try await store.apply(DocumentChange(scope: Self.scope, id: "second", action: .delete))
            #expect(try await store.documentIDs(Self.scope, since: nil) == ["bookmark"])
            try await store.apply(DocumentChange(scope: Self.scope, id: "", action: .deleteAll))
            #expect(try await store.documentIDs(Self.scope, since: nil).isEmpty)
        }
    }
}
