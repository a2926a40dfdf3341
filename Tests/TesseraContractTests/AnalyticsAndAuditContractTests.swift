import Foundation
import TesseraAnalytics
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// `AnalyticsStore`, `AuditStore` and `StoreHealth`: the same for every backend.
struct AnalyticsAndAuditContractTests {
    static let catalog = #"""
        {"skills":[{"id":"https://skills.example.com/safety","name":"Safety","activities":["https://courses.example.com/quiz"]}],
         "programs":[{"id":"https://programs.example.com/safety","name":"Safety","kind":"upskilling","mode":"mandatory",
                      "activities":["https://courses.example.com/quiz"],"skills":["https://skills.example.com/safety"]}]}
        """#

    static func scored(_ actor: String, _ scaled: Double, at time: String) throws -> PreparedStatement {
        try prepared(statement(
            actor: actor, verb: "passed", activity: "quiz",
            extra: #""result":{"score":{"scaled":\#(scaled)},"success":true},"timestamp":"\#(time)""#))
    }

    @Test(arguments: Backends.all)
    func catalogRosterAndTheMeasuresFollowTheStatements(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            let catalog = try Catalog.read(Array(Self.catalog.utf8)).get()
            try await store.replaceCatalog(catalog)
            #expect(try await store.catalog() == catalog)
            let roster = try Roster.read(csv: Array("mbox,name,team,hired,left\nmailto:ann@example.com,Ann,Sales,2020-01-01,\nmailto:bo@example.com,Bo,Ops,2020-01-01,".utf8)).get()
            try await store.replaceRoster(roster)
            #expect(try await store.roster() == roster)
            #expect(try await store.teamNames() == ["Ops", "Sales"])

            try await store.store([
                try Self.scored("ann", 0.6, at: "2024-03-01T10:00:00Z"), try Self.scored("ann", 0.9, at: "2024-03-05T10:00:00Z"),
                try Self.scored("bo", 0.7, at: "2024-03-05T11:00:00Z"),
            ])
            #expect(try await store.learningDays() == Day("2024-03-01")!...Day("2024-03-05")!)
            let volume = try await store.statementVolume(from: Day("2024-03-01")!, to: Day("2024-03-31")!, team: "Sales")
            #expect(volume == [DailyVolume(day: Day("2024-03-01")!, statements: 1), DailyVolume(day: Day("2024-03-05")!, statements: 1)])
            let report = try #require(try await store.proficiencyReport(asOf: nil, skill: nil, team: nil))
            let sales = try #require(report.rows.first { $0.team == "Sales" })
            #expect(sales.assessed == 1)
            #expect(abs(sales.meanProficiency - 0.9) < 1e-9, "the latest assessment counts")
        }
    }

    @Test(arguments: Backends.all)
    func erasureIsAuditedAndTheChainAndExportStayWhole(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            let store = opened.store
            try await store.store([try prepared(statement(actor: "ann")), try prepared(statement(actor: "bo")), try prepared(statement(actor: "ann"))])
            let report = try await store.erase(.mbox("mailto:ann@example.com"), requestedBy: "ticket 7")
            #expect(report.statements == 2)
            #expect(report.requestedBy == "ticket 7")
            #expect(report.subject == ErasureReport.subject(.mbox("mailto:ann@example.com")))
            #expect(try await store.auditLog().count == 1)
            var byAnn = StatementQuery()
            byAnn.agent = .mbox("mailto:ann@example.com")
            #expect(try await store.query(byAnn).statements.isEmpty)

            let verification = try await store.verifyChain()
            #expect(verification.isIntact, "\(verification.problems)")
            #expect(verification.statements == 3 && verification.erased == 2)
            var cursor = try await ExportCursor(store, filter: ExportFilter())
            var records: [ExportRecord] = []
            while let chunk = try await cursor.next() { records += chunk }
            #expect(records.map(\.seq) == [1, 2, 3])
            #expect(records.filter { $0.erasure != nil }.count == 2, "erased statements are tombstones in the export")
        }
    }

    @Test(arguments: Backends.all)
    func health(backend: any StoreBackend) async throws {
        try await backend.with { opened in
            #expect(await opened.store.isReady())
            #expect((await opened.store.storageBytes() ?? 0) > 0)
            let problems = try await opened.store.checkIntegrity()
            #expect(problems.isEmpty)
        }
    }
}
