import Foundation
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// Writes: the completed statement, conflicts and no-ops, atomic batches, voiding in every
/// order, and concurrent writers sharing commits: `StatementStore.store`'s contract, the same for
/// every backend.
struct StatementStoreContractTests {
    @Test(arguments: Backends.all)
    func storesAndReturnsTheCompletedStatement(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let incoming = try prepared(statement(id: "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"))
            try await temporary.store.store([incoming])
            let found = try #require(try await temporary.store.statement(id: incoming.id))
            let body = found.body
            let stored = try #require(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(stored["id"] as? String == "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001")
            #expect(stored["stored"] as? String == found.stored.text, "the stored time comes back with the statement")
            #expect(stored["version"] as? String == "1.0.0")
            let storedTime = try #require(stored["stored"] as? String)
            #expect(storedTime.count == 24 && storedTime.hasSuffix("Z") && !storedTime.hasPrefix("1970"))
            #expect(stored["timestamp"] as? String == storedTime, "a missing timestamp is the storage time")
            let authority = stored["authority"] as? [String: Any]
            #expect((authority?["account"] as? [String: String])?["name"] == "test-key")
            // What was stored is itself a valid statement.
            #expect(throws: Never.self) { try StatementInput.parse(body, version: .v1_0_3).results[0].get() }
        }
    }

    @Test(arguments: Backends.all)
    func assignsIdsAndKeepsSentTimestampsAndVersions(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let incoming = try prepared(
                statement(extra: #""timestamp":"2024-05-01T12:00:00+02:00","version":"1.0.3""#))
            try await temporary.store.store([incoming])
            let body = try #require(try await temporary.store.statement(id: incoming.id)).body
            let stored = try #require(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(stored["id"] as? String == incoming.id.description)
            #expect(stored["timestamp"] as? String == "2024-05-01T12:00:00+02:00")
            #expect(stored["version"] as? String == "1.0.3")
        }
    }

    @Test(arguments: Backends.all)
    func sameIdTwiceIsANoOpWhenEquivalentAndAConflictOtherwise(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000002"
            try await temporary.store.store([try prepared(statement(id: id))])
            // Equivalent: verb display and activity definition are not part of the statement.
            let withDisplay = statement(id: id).replacingOccurrences(
                of: #"/completed"}"#, with: #"/completed","display":{"en-US":"completed"}}"#)
            try await temporary.store.store([try prepared(withDisplay)])
            await #expect(throws: StoreRejection.conflict(uuid(id))) {
                try await temporary.store.store([try prepared(statement(id: id, verb: "failed"))])
            }
            #expect(try await temporary.store.query(StatementQuery()).statements.count == 1)
        }
    }

    @Test(arguments: Backends.all)
    func aRejectedBatchStoresNothing(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000003"
            try await temporary.store.store([try prepared(statement(id: id))])
            let batch = try [
                prepared(statement(actor: "bo")),
                prepared(statement(actor: "cy")),
                prepared(statement(id: id, verb: "failed")),
            ]
            await #expect(throws: StoreRejection.conflict(uuid(id))) { try await temporary.store.store(batch) }
            #expect(try await temporary.store.statement(id: batch[0].id) == nil)
            #expect(try await temporary.store.query(StatementQuery()).statements.count == 1)
            // The store keeps working after a rejected batch.
            try await temporary.store.store([try prepared(statement(actor: "di"))])
            #expect(try await temporary.store.query(StatementQuery()).statements.count == 2)
        }
    }

    @Test(arguments: Backends.all)
    func voidingHidesTheTargetAndCannotTargetAVoidingStatement(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let target = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000004"
            let voidingID = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000005"
            try await temporary.store.store([try prepared(statement(id: target))])
            let voiding = #"{"id":"\#(voidingID)","actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#
            try await temporary.store.store([try prepared(voiding)])
            #expect(try await temporary.store.statement(id: uuid(target)) == nil)
            #expect(try await temporary.store.statement(id: uuid(target), voided: true) != nil)
            #expect(try await temporary.store.statement(id: uuid(voidingID)) != nil)
            #expect(try await temporary.store.statement(id: uuid(voidingID), voided: true) == nil)
            let visible = try await documents(try temporary.store.query(StatementQuery()))
            #expect(visible.map { $0["id"] as? String } == [voidingID])

            let voidTheVoider = #"{"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(voidingID)"}}"#
            await #expect(throws: StoreRejection.voidsVoidingStatement(uuid(voidingID))) {
                try await temporary.store.store([try prepared(voidTheVoider)])
            }
        }
    }

    @Test(arguments: Backends.all)
    func aBatchThatVoidsItsOwnVoidingStatementIsRejectedWhole(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let target = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000007"
            let voidingID = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000008"
            func voiding(_ id: String?, of object: String) -> String {
                let idMember = id.map { #""id":"\#($0)","# } ?? ""
                return #"{\#(idMember)"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(object)"}}"#
            }
            let batch = try [
                prepared(statement(id: target)), prepared(voiding(voidingID, of: target)), prepared(voiding(nil, of: voidingID)),
            ]
            await #expect(throws: StoreRejection.voidsVoidingStatement(uuid(voidingID))) { try await temporary.store.store(batch) }
            #expect(try await temporary.store.query(StatementQuery()).statements.isEmpty)
            #expect(try await temporary.store.statement(id: uuid(target), voided: true) == nil)
        }
    }

    @Test(arguments: Backends.all)
    func aRejectedBatchLeavesTheOthersInTheSameCommit(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000009"
            try await temporary.store.store([try prepared(statement(id: id))])
            // Many batches at once share commits; the conflicting ones fail alone.
            let store = temporary.store
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    let batch = try [
                        prepared(statement(actor: "learner\(index)")),
                        prepared(statement(id: index % 4 == 0 ? id : nil, verb: "failed")),
                    ]
                    group.addTask { (try? await store.store(batch)) != nil }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 30)
            #expect(try await temporary.store.query({ var query = StatementQuery(); query.limit = 500; return query }()).statements.count == 1 + 30 * 2)
        }
    }

    @Test(arguments: Backends.all)
    func aVoidingStatementMayArriveBeforeItsTarget(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let target = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000006"
            let voiding = #"{"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#
            try await temporary.store.store([try prepared(voiding)])
            try await temporary.store.store([try prepared(statement(id: target))])
            #expect(try await temporary.store.statement(id: uuid(target)) == nil)
            #expect(try await temporary.store.statement(id: uuid(target), voided: true) != nil)
        }
    }

    @Test(arguments: Backends.all)
    func concurrentWritersShareCommitsAndStoredNeverDecreases(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let store = temporary.store
            let batches = try (0..<200).map { try prepared(statement(actor: "learner\($0)")) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in batches { group.addTask { try await store.store([batch]) } }
                try await group.waitForAll()
            }
            var query = StatementQuery()
            query.ascending = true
            var storedTimes: [String] = []
            var page = try await store.query(query)
            while true {
                storedTimes += try documents(page).compactMap { $0["stored"] as? String }
                guard let next = page.next else { break }
                query.after = next
                page = try await store.query(query)
            }
            #expect(storedTimes.count == 200)
            #expect(storedTimes == storedTimes.sorted(), "stored must not decrease in storage order")
        }
    }
}

/// The verbs and activities the stored statements use, with their counts (the console's page
/// for writing a catalog), the same on every backend.
struct VocabularyContractTests {
    @Test(arguments: Backends.all)
    func verbsAndActivitiesAreCountedMostUsedFirst(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            var batch: [PreparedStatement] = []
            var verbs: [String: Int] = [:], activities: [String: Int] = [:]
            for index in 0..<30 {
                let verb = "http://adlnet.gov/expapi/verbs/" + ["completed", "passed", "attempted"][index % 3 == 0 ? 0 : index % 5 == 0 ? 1 : 2]
                let activity = "https://courses.example.com/c\(index % 4)"
                verbs[verb, default: 0] += 1
                activities[activity, default: 0] += 1
                batch.append(try prepared(
                    #"{"actor":{"mbox":"mailto:l\#(index)@example.com"},"verb":{"id":"\#(verb)"},"object":{"id":"\#(activity)","definition":{"name":{"en-US":"Course \#(index % 4)"}}}}"#))
            }
            // An object that is an agent counts for its verb, for no activity.
            batch.append(try prepared(#"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"objectType":"Agent","mbox":"mailto:b@example.com"}}"#))
            verbs["http://adlnet.gov/expapi/verbs/completed", default: 0] += 1
            try await temporary.store.store(batch)
            func ordered(_ counts: [String: Int]) -> [Vocabulary.Term] {
                counts.map { Vocabulary.Term(iri: $0.key, statements: $0.value) }.sorted { ($1.statements, $0.iri) < ($0.statements, $1.iri) }
            }
            let vocabulary = try await temporary.store.vocabulary(limit: 10)
            #expect(vocabulary.verbs == ordered(verbs))
            #expect(vocabulary.activities == ordered(activities))
            #expect(try await temporary.store.vocabulary(limit: 2).activities == Array(ordered(activities).prefix(2)))
        }
    }
}
