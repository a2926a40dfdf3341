import Logging
import TesseraLRS
import TesseraSQLite

/// SQLite stores prepared for tests.
public enum SQLiteSamples {
    /// A closed store holding `count` statements, stored in batches of four.
    public static func storeWithStatements(_ count: Int) async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        let statements = try (0..<count).map { try prepared(statement(actor: "learner\($0)", activity: "course-\($0 % 3)")) }
        for batch in stride(from: 0, to: count, by: 4) { try await store.store(Array(statements[batch..<min(batch + 4, count)])) }
        store.close()
        return (directory, path)
    }
}
