import Foundation
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// The Statement resource's filters, StatementRef filter conditions, time windows and paging:
/// `StatementStore.query`'s contract, the same for every backend.
struct StatementQueryContractTests {
    /// ann completes course-1 (registration R, instructor ian, parent program-a);
    /// bo experiences course-2 with ann as team member; cy mentors ann (ann is the object);
    /// di completes course-1 via a sub-statement about course-3.
    static func seed(_ store: any LRSStore) async throws {
        let rows = [
            statement(id: "00000000-0000-4000-8000-000000000001", actor: "ann", activity: "course-1", extra: #""context":{"registration":"a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b","instructor":{"mbox":"mailto:ian@example.com"},"contextActivities":{"parent":{"id":"https://courses.example.com/program-a"}}}"#),
            statement(id: "00000000-0000-4000-8000-000000000002", actor: "bo", verb: "experienced", activity: "course-2", extra: #""context":{"team":{"objectType":"Group","member":[{"mbox":"mailto:ann@example.com"}]}}"#),
            #"{"id":"00000000-0000-4000-8000-000000000003","actor":{"mbox":"mailto:cy@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/mentored"},"object":{"objectType":"Agent","mbox":"mailto:ann@example.com"}}"#,
            #"{"id":"00000000-0000-4000-8000-000000000004","actor":{"mbox":"mailto:di@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/planned"},"object":{"objectType":"SubStatement","actor":{"mbox":"mailto:di@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://courses.example.com/course-3"}}}"#,
        ]
        for row in rows { try await store.store([try prepared(row)]) }
    }

    private func ids(_ store: any LRSStore, _ configure: (inout StatementQuery) -> Void) async throws -> [String] {
        var query = StatementQuery()
        configure(&query)
        return try documents(try await store.query(query)).compactMap { ($0["id"] as? String)?.suffix(1).description }
    }

    /// A statement by `actor` whose object is a StatementRef to `target`.
    private func reference(_ id: String, to target: String, actor: String = "ed", verb: String = "liked") -> String {
        #"{"id":"\#(id)","actor":{"mbox":"mailto:\#(actor)@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/\#(verb)"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#
    }

    @Test(arguments: Backends.all)
    func statementsTargetingAMatchMatchTooAlongChainsButNotWhenVoided(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            try await Self.seed(temporary.store)
            let first = "00000000-0000-4000-8000-000000000001"
            // 5 voids 1; 6 refers to 1; 7 refers to 6 (a chain); 8 refers to 2.
            try await temporary.store.store([
                try prepared(reference("00000000-0000-4000-8000-000000000005", to: first, actor: "admin", verb: "voided")),
            ])
            try await temporary.store.store([
                try prepared(reference("00000000-0000-4000-8000-000000000006", to: first)),
                try prepared(reference("00000000-0000-4000-8000-000000000007", to: "00000000-0000-4000-8000-000000000006")),
                try prepared(reference("00000000-0000-4000-8000-000000000008", to: "00000000-0000-4000-8000-000000000002")),
            ])
            let completed = "http://adlnet.gov/expapi/verbs/completed"
            // 1 is voided and not returned; the statements targeting it still match its verb.
            #expect(try await ids(temporary.store) { $0.verb = completed } == ["7", "6", "5"])
            #expect(try await ids(temporary.store) { $0.activity = "https://courses.example.com/course-1" } == ["7", "6", "5"])
            #expect(try await ids(temporary.store) { $0.registration = uuid("a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b") } == ["7", "6", "5"])
            #expect(try await ids(temporary.store) { $0.agent = .mbox("mailto:bo@example.com") } == ["8", "2"])
            // Their own content matches as well; each appears once.
            #expect(try await ids(temporary.store) { $0.verb = "http://adlnet.gov/expapi/verbs/liked" } == ["8", "7", "6"])
            #expect(try await ids(temporary.store) { $0.agent = .mbox("mailto:ed@example.com") } == ["8", "7", "6"])
            #expect(try await ids(temporary.store) { $0.verb = completed; $0.ascending = true } == ["5", "6", "7"])
            // Paging runs across both kinds of match without gaps or repeats.
            var query = StatementQuery()
            query.verb = completed
            query.limit = 2
            let firstPage = try await temporary.store.query(query)
            let next: Int64 = try #require(firstPage.next)
            query.after = next
            let secondPage = try await temporary.store.query(query)
            #expect(secondPage.next == nil)
            let pagedIDs = try (documents(firstPage) + documents(secondPage)).compactMap { ($0["id"] as? String)?.suffix(1) }
            #expect(pagedIDs == ["7", "6", "5"])
        }
    }

    @Test(arguments: Backends.all)
    func timeWindowsAnywhereInTheStoreAreSeqRanges(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            var stored: [XAPITimestamp] = []
            for batch in 0..<5 {
                try await temporary.store.store((0..<3).map { _ in try! prepared(statement(actor: "learner\(batch)")) })
                stored.append(try #require(try await temporary.store.query(StatementQuery()).lastStored))
                try await Task.sleep(for: .milliseconds(3))
            }
            func actors(_ configure: (inout StatementQuery) -> Void) async throws -> Set<String> {
                var query = StatementQuery()
                configure(&query)
                return Set(try documents(try await temporary.store.query(query)).compactMap { ($0["actor"] as? [String: Any])?["mbox"] as? String })
            }
            #expect(try await actors { $0.until = stored[0] } == ["mailto:learner0@example.com"], "until is inclusive")
            #expect(try await actors { $0.until = XAPITimestamp(milliseconds: stored[0].milliseconds - 1) }.isEmpty, "nothing stored before")
            #expect(try await actors { $0.since = stored[3] } == ["mailto:learner4@example.com"], "since is exclusive")
            #expect(try await actors { $0.since = stored[1]; $0.until = stored[3] } == ["mailto:learner2@example.com", "mailto:learner3@example.com"])
            #expect(try await actors { $0.since = stored[1]; $0.until = stored[3]; $0.agent = .mbox("mailto:learner3@example.com") }
                == ["mailto:learner3@example.com"], "with a filter that drives another index")
            #expect(try await actors { $0.since = stored[4] }.isEmpty)
            #expect(try await actors { $0.since = XAPITimestamp(milliseconds: 0) }.count == 5)
        }
    }

    @Test(arguments: Backends.all)
    func aReferenceStoredBeforeItsTargetMatchesOnceTheTargetArrives(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            let target = "00000000-0000-4000-8000-000000000001"
            try await temporary.store.store([try prepared(reference("00000000-0000-4000-8000-000000000003", to: "00000000-0000-4000-8000-000000000002"))])
            try await temporary.store.store([try prepared(reference("00000000-0000-4000-8000-000000000002", to: target))])
            let verb = "http://adlnet.gov/expapi/verbs/attempted"
            #expect(try await ids(temporary.store) { $0.verb = verb }.isEmpty)
            try await temporary.store.store([try prepared(statement(id: target, verb: "attempted"))])
            // Stored in the order 3, 2, 1; newest first.
            #expect(try await ids(temporary.store) { $0.verb = verb } == ["1", "2", "3"])
        }
    }

    @Test(arguments: Backends.all)
    func newestFirstByDefaultAndOldestFirstWhenAscending(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            try await Self.seed(temporary.store)
            #expect(try await ids(temporary.store) { _ in } == ["4", "3", "2", "1"])
            #expect(try await ids(temporary.store) { $0.ascending = true } == ["1", "2", "3", "4"])
        }
    }

    @Test(arguments: Backends.all)
    func agentMatchesActorOrObjectAndRelatedAgentsWidensIt(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            try await Self.seed(temporary.store)
            let ann = InverseFunctionalIdentifier.mbox("mailto:ann@example.com")
            #expect(try await ids(temporary.store) { $0.agent = ann } == ["3", "1"])
            #expect(try await ids(temporary.store) { $0.agent = ann; $0.relatedAgents = true } == ["3", "2", "1"])
            let ian = InverseFunctionalIdentifier.mbox("mailto:ian@example.com")
            #expect(try await ids(temporary.store) { $0.agent = ian } == [])
            #expect(try await ids(temporary.store) { $0.agent = ian; $0.relatedAgents = true } == ["1"])
            #expect(try await ids(temporary.store) { $0.agent = .mbox("mailto:nobody@example.com") } == [])
        }
    }

    @Test(arguments: Backends.all)
    func activityMatchesTheObjectAndRelatedActivitiesWidensIt(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            try await Self.seed(temporary.store)
            #expect(try await ids(temporary.store) { $0.activity = "https://courses.example.com/course-1" } == ["1"])
            #expect(try await ids(temporary.store) { $0.activity = "https://courses.example.com/program-a" } == [])
            #expect(try await ids(temporary.store) {
                $0.activity = "https://courses.example.com/program-a"
                $0.relatedActivities = true
            } == ["1"])
            #expect(try await ids(temporary.store) {
                $0.activity = "https://courses.example.com/course-3"
                $0.relatedActivities = true
            } == ["4"])
        }
    }

    @Test(arguments: Backends.all)
    func verbAndRegistrationFilters(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            try await Self.seed(temporary.store)
            #expect(try await ids(temporary.store) { $0.verb = "http://adlnet.gov/expapi/verbs/experienced" } == ["2"])
            #expect(try await ids(temporary.store) { $0.verb = "http://adlnet.gov/expapi/verbs/unknown" } == [])
            #expect(try await ids(temporary.store) { $0.registration = XAPIUUID("a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b") } == ["1"])
            #expect(try await ids(temporary.store) {
                $0.registration = XAPIUUID("a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b")
                $0.verb = "http://adlnet.gov/expapi/verbs/experienced"
            } == [])
        }
    }

    @Test(arguments: Backends.all)
    func sinceIsExclusiveAndUntilInclusiveOnStored(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            try await Self.seed(temporary.store)
            let all = try await documents(try temporary.store.query(StatementQuery()))
            let firstStored = try #require(all.last?["stored"] as? String)
            let time = try XAPITimestamp.parse(firstStored, version: .v2_0_0).get()
            let since = try await ids(temporary.store) { $0.since = time; $0.ascending = true }
            let until = try await ids(temporary.store) { $0.until = time; $0.ascending = true }
            #expect(!until.isEmpty && until.first == "1")
            #expect(Set(since).isDisjoint(with: until), "a statement is either after `since` or at/before `until`")
            #expect(since.count + until.count == 4)
        }
    }

    @Test(arguments: Backends.all)
    func pagesFollowOneAnotherWithoutGapsOrRepeats(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            for index in 0..<23 { try await temporary.store.store([try prepared(statement(actor: "p\(index)"))]) }
            var query = StatementQuery()
            query.limit = 5
            var seen: [String] = []
            var pages = 0
            while true {
                let page = try await temporary.store.query(query)
                pages += 1
                seen += try documents(page).compactMap { $0["id"] as? String }
                guard let next = page.next else { break }
                query.after = next
            }
            #expect(pages == 5)
            #expect(seen.count == 23 && Set(seen).count == 23)
        }
    }
}

/// A query that stops early must not leave its connection on an old snapshot.
struct SnapshotContractTests {
    @Test(arguments: Backends.all)
    func readersSeeWritesAfterAPartialPage(backend: any StoreBackend) async throws {
        try await backend.with { temporary in
            for index in 0..<5 { try await temporary.store.store([try prepared(statement(actor: "s\(index)"))]) }
            var query = StatementQuery()
            query.limit = 2
            for round in 0..<4 {
                #expect(try await temporary.store.query(query).next != nil)
                try await temporary.store.store([try prepared(statement(actor: "late\(round)"))])
                var all = StatementQuery()
                all.limit = 100
                #expect(try await temporary.store.query(all).statements.count == 6 + round)
            }
        }
    }
}

/// The stored statements of a page, parsed.
func documents(_ page: StatementPage) throws -> [[String: Any]] {
    try page.statements.map { try #require(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
}

func uuid(_ text: String) -> XAPIUUID { XAPIUUID(text)! }
