import Foundation
import Logging
import PostgresNIO
import TesseraLRS
@testable import TesseraPostgres
import TesseraSQLite
import TesseraTestSupport
import Testing
import XAPI

/// A credential repository the contract runs against: each test opens a fresh, empty one.
protocol CredentialBackend: Sendable, CustomStringConvertible {
    func open() async throws -> (repository: any CredentialRepository, close: @Sendable () async -> Void)
}

enum CredentialBackends {
    /// SQLite always; PostgreSQL when `TESSERA_TEST_POSTGRES` names a server
    /// (`Tests/Scripts/postgres_cluster.sh start` sets it; `.ci/run` does).
    static let all: [any CredentialBackend] = [SQLiteCredentials()] + (PostgresTestServer.url == nil ? [] : [PostgresCredentials()])
}

struct SQLiteCredentials: CredentialBackend {
    var description: String { "SQLite" }

    func open() async throws -> (repository: any CredentialRepository, close: @Sendable () async -> Void) {
        let directory = try TemporaryDirectory()
        let repository = try SQLiteCredentialRepository(path: directory.path("credentials.sqlite"))
        return (repository, { _ = directory })
    }
}

struct PostgresCredentials: CredentialBackend {
    var description: String { "PostgreSQL" }

    func open() async throws -> (repository: any CredentialRepository, close: @Sendable () async -> Void) {
        let (database, drop) = try await PostgresTestServer.freshDatabase()
        return (PostgresCredentialRepository(database: database), {
            database.close()
            await drop()
        })
    }
}

/// `CredentialRepository`'s contract through `Credentials`, the same for every backend.
struct CredentialContractTests {
    @Test(arguments: CredentialBackends.all)
    func createAuthenticateListRevoke(backend: any CredentialBackend) async throws {
        let (repository, close) = try await backend.open()
        do {
            let credentials = Credentials(repository: repository)
            let issued = try await credentials.create(name: "L&D course", scopes: [.statementsWrite, .state])
            #expect(try await credentials.authenticate(key: issued.credential.key, secret: issued.secret)?.scopes == [.statementsWrite, .state])
            #expect(try await credentials.authenticate(key: issued.credential.key, secret: "wrong") == nil)
            #expect(try await credentials.authenticate(key: "no-such-key", secret: issued.secret) == nil)
            // The use is written after the request, in the background: it shows in the list soon.
            var lastUsed: XAPITimestamp?
            for _ in 0..<100 where lastUsed == nil {
                lastUsed = try await credentials.list().first?.lastUsed
                if lastUsed == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(lastUsed != nil, "a credential that authenticated shows when it was last used")
            try await repository.recordUse(key: issued.credential.key, at: XAPITimestamp(milliseconds: 1_700_000_000_000))
            #expect(try await repository.stored(key: issued.credential.key)?.credential.lastUsed?.milliseconds == 1_700_000_000_000)
            let second = try await credentials.create(name: "dashboard", scopes: [.analyticsRead], key: "dash", secret: "dash-secret")
            #expect(try await credentials.list().last?.lastUsed == nil, "never used")
            #expect(try await credentials.list().map(\.key) == [issued.credential.key, second.credential.key], "oldest first")
            await #expect(throws: (any Error).self, "keys are unique") {
                _ = try await credentials.create(name: "again", scopes: [.admin], key: "dash", secret: "x")
            }
            #expect(try await credentials.revoke(key: issued.credential.key))
            #expect(try await credentials.revoke(key: issued.credential.key) == false, "already revoked")
            #expect(try await credentials.authenticate(key: issued.credential.key, secret: issued.secret) == nil)
            #expect(try await credentials.list().first?.revoked != nil)
            // Another process (or node) with its own cache sees the revocation at once.
            #expect(try await Credentials(repository: repository).active(key: issued.credential.key) == nil)
        } catch {
            await close()
            throw error
        }
        await close()
    }
}

/// The PostgreSQL schema: the migration list matches Schemas/postgres, and nodes that start
/// together apply each migration once.
@Suite(.enabled(if: PostgresTestServer.url != nil, "TESSERA_TEST_POSTGRES names no server"))
struct PostgresMigrationTests {
    @Test func aDatabaseThatDoesNotAnswerIsReportedUnavailableInsteadOfAwaited() async throws {
        // The work would take an hour: finishing at all shows it was given up at the deadline
        // (the bound is loose on purpose, so that a loaded machine cannot fail it).
        let started = ContinuousClock.now
        await #expect(throws: StoreError.unavailable) {
            try await withDeadline(seconds: 1) {
                try await Task.sleep(for: .seconds(3600))
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(600), "given up at the deadline, the waiting work cancelled")
        #expect(try await withDeadline(seconds: 5) { 7 } == 7)
    }

    @Test func theMigrationListIsTheDirectory() throws {
        let directory = TesseraExecutable.packageRoot.appendingPathComponent("Schemas/postgres").path
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == PostgresMigrator.all.map { String(format: "%04d_", $0.version) + $0.name + ".sql" })
    }

    @Test func nodesStartingTogetherMigrateOnce() async throws {
        let (first, drop) = try await PostgresTestServer.freshDatabase()
        let location = first.location
        first.close()
        // Three more nodes open the same database at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { (try await PostgresStorage(location: location, connections: 2, logger: Logger(label: "node"))).close() }
            }
            try await group.waitForAll()
        }
        let check = try await PostgresStorage(location: location, connections: 1, logger: Logger(label: "check"))
        var versions: [Int] = []
        for try await version in try await check.client.query("SELECT version FROM schema_migrations ORDER BY version").decode(Int.self) {
            versions.append(version)
        }
        #expect(versions == PostgresMigrator.all.map(\.version))
        check.close()
        await drop()
    }
}
