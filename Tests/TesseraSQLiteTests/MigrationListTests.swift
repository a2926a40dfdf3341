import Foundation
import Testing

@testable import TesseraSQLite

/// Package.swift embeds every file of Schemas/sqlite; `Migrator.all` must apply each of them,
/// in order, under the version and name its file carries.
struct MigrationListTests {
    @Test func everyMigrationFileIsAppliedInOrder() throws {
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Schemas/sqlite")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty)
        let listed = Migrator.all.map { String(format: "%04d_%@.sql", $0.version, $0.name) }
        #expect(listed == files)
        #expect(Migrator.all.map(\.version) == Array(1...Migrator.all.count))
        for (migration, file) in zip(Migrator.all, files) {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(migration.sql == text, "\(file) is embedded as written")
        }
    }
}
