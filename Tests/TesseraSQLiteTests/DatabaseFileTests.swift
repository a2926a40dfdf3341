import Foundation
import Logging
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing

/// A damaged database file: refused at start with a clear message when SQLite cannot read its
/// header or schema, and found by the integrity check (which makes the store not ready) when a
/// page inside is damaged.
struct DatabaseFileTests {
    /// A database with some statements, checkpointed so that everything is in the main file.
    static func storedDatabase(_ directory: TemporaryDirectory) async throws -> String {
        let path = directory.path("damaged.sqlite")
        let store = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        try await store.store(try (0..<300).map { try prepared(statement(actor: "learner\($0)", activity: "course-\($0)")) })
        store.close()
        try tamper(path, "PRAGMA wal_checkpoint(TRUNCATE)")
        return path
    }

    static func overwrite(_ path: String, at offset: UInt64, with bytes: [UInt8]) throws {
        let file = try #require(FileHandle(forUpdatingAtPath: path))
        try file.seek(toOffset: offset)
        file.write(Data(bytes))
        try file.close()
    }

    @Test func aDamagedHeaderIsRefusedAtStartWithAClearMessage() async throws {
        let directory = try TemporaryDirectory()
        let path = try await Self.storedDatabase(directory)
        try Self.overwrite(path, at: 0, with: Array("this is not SQLite at all".utf8))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for open in [{ _ = try SQLiteStore(path: path, readers: 1, logger: Logger(label: "test")) }, { _ = try ReadOnlyStore(path: path) }] {
            #expect {
                try open()
            } throws: { error in
                let message = "\(error)"
                return error is DamagedDatabase && message.contains(path) && message.contains("Restore it from a backup")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "nothing was changed")
    }

    @Test func aDamagedPageIsFoundByTheIntegrityCheck() async throws {
        let directory = try TemporaryDirectory()
        let path = try await Self.storedDatabase(directory)
        let healthy = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        #expect(try await healthy.checkIntegrity().isEmpty)
        #expect(await healthy.isReady())
        healthy.close()
        try tamper(path, "PRAGMA wal_checkpoint(TRUNCATE)")

        let pageSize = try #require(try SQLiteConnection(path: path, mode: .readOnly).scalar("PRAGMA page_size"))
        let pages = try #require(try SQLiteConnection(path: path, mode: .readOnly).scalar("PRAGMA page_count"))
        #expect(pages > 20)
        try Self.overwrite(path, at: UInt64(pageSize * (pages / 2)), with: Array(repeating: 0xFF, count: Int(pageSize)))
        let problems = try DatabaseFile.integrityProblems(path)
        #expect(!problems.isEmpty)
        let damaged = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        defer { damaged.close() }
        #expect(try await damaged.checkIntegrity() == problems)
        #expect(await !damaged.isReady(), "a damaged store is not ready")
    }
}
