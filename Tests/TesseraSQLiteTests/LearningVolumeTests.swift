import Foundation
import Logging
import TesseraAnalytics
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing

/// The statement-volume roll-up (`learning_days`): kept as statements arrive, are voided and
/// erased, moved between teams when the roster changes, and filled by its migration.
struct LearningVolumeTests {
    static let march1 = Day("2024-03-01")!, march3 = Day("2024-03-03")!, march31 = Day("2024-03-31")!
    static let voidable = "a3c5e8f0-1b2d-4e6f-8a9b-0c1d2e3f4a5b"

    /// Statements by ann (two on 1 March, one of them `voidable`, one on 3 March) and bo (one
    /// on 3 March, one on 28 February 1969, before the epoch).
    static func statements() throws -> [PreparedStatement] {
        try [
            (nil, "ann", "2024-03-01T09:00:00Z"), (voidable, "ann", "2024-03-01T23:59:59.999Z"), (nil, "ann", "2024-03-03T00:00:00Z"),
            (nil, "bo", "2024-03-03T12:00:00Z"), (nil, "bo", "1969-02-28T23:00:00Z"),
        ].map { id, actor, time in try prepared(statement(id: id, actor: actor, extra: #""timestamp":"\#(time)""#)) }
    }

    static func roster(_ csv: String) throws -> Roster {
        try Roster.read(csv: Array(("mbox,name,team,hired,left\n" + csv).utf8)).get()
    }

    static func march(_ store: SQLiteStore, team: String? = nil) async throws -> [Int] {
        let days = try await store.statementVolume(from: march1, to: march31, team: team)
        return [march1, march3].map { day in days.first { $0.day == day }?.statements ?? 0 }
    }

    @Test func countsFollowStatementsVoidingRosterAndErasure() async throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        try await store.store(try Self.statements())
        #expect(try await store.statementVolume(from: Self.march1, to: Self.march31) == [
            DailyVolume(day: Self.march1, statements: 2), DailyVolume(day: Self.march3, statements: 2),
        ])
        #expect(try await store.learningDays() == Day("1969-02-28")!...Self.march3, "a day before the epoch is floored, not truncated")
        #expect(try await Self.march(store, team: Roster.unassignedTeam) == [2, 2])

        try await store.replaceRoster(try Self.roster("mailto:ann@example.com,Ann,Sales,2020-01-01,\nmailto:bo@example.com,Bo,,2020-01-01,"))
        #expect(try await Self.march(store, team: "Sales") == [2, 1], "ann moved to Sales")
        #expect(try await Self.march(store, team: Roster.unassignedTeam) == [0, 1], "bo is on the roster without a team")

        try await store.store([try prepared(#"""
            {"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},
             "object":{"objectType":"StatementRef","id":"\#(Self.voidable)"},"timestamp":"2024-03-05T10:00:00Z"}
            """#)])
        #expect(try await Self.march(store, team: "Sales") == [1, 1], "the voided statement no longer counts")
        #expect(try await store.statementVolume(from: Day("2024-03-05")!, to: Day("2024-03-05")!).map(\.statements) == [1],
                "the voiding statement is a statement too")

        _ = try await store.erase(.mbox("mailto:ann@example.com"), requestedBy: "test")
        #expect(try await Self.march(store) == [0, 1], "an erased person's statements are gone from the counts")
        #expect(try await Self.march(store, team: "Sales") == [0, 0])
    }

    @Test func theMigrationCountsStatementsStoredBeforeIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("volume.sqlite")
        let store = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        try await store.store(try Self.statements())
        try await store.replaceRoster(try Self.roster("mailto:bo@example.com,Bo,Warehouse,2020-01-01,"))
        let before = try await Self.march(store), warehouse = try await Self.march(store, team: "Warehouse")
        store.close()
        try tamper(path, "DROP TABLE learning_days; DROP TABLE accounts; ALTER TABLE credentials DROP COLUMN last_used_ms; DELETE FROM schema_migrations WHERE version >= 17")
        let reopened = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        defer { reopened.close() }
        #expect(try await Self.march(reopened) == before)
        #expect(before == [2, 2])
        #expect(try await Self.march(reopened, team: "Warehouse") == warehouse)
        #expect(warehouse == [0, 1])
        #expect(try await reopened.learningDays()?.lowerBound == Day("1969-02-28")!)
    }
}
