// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// A backend's migrations, listed once: every `NNNN_name.sql` in `Schemas/<folder>`, embedded
/// in the binary in order (each backend's `Migrator` list is checked against its directory by a
/// test). SwiftPM caches this manifest: after adding a file, build once with
/// `--manifest-cache none`.
func migrations(in folder: String) -> [Resource] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Schemas/" + folder).path
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return files.filter { $0.hasSuffix(".sql") }.sorted().map { .embedInCode("Migrations/" + $0) }
}

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tessera", targets: ["tessera"]),
        .library(name: "XAPI", targets: ["XAPI"]),
        .library(name: "TesseraLRS", targets: ["TesseraLRS"]),
        .library(name: "TesseraSQLite", targets: ["TesseraSQLite"]),
        .library(name: "TesseraPostgres", targets: ["TesseraPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        // The settings file (YAML) under flags and TESSERA_* variables (docs/configuration.md).
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "XAPI"),
        .target(name: "TesseraCrypto", dependencies: ["XAPI", "COpenSSL"]),
        .target(name: "TesseraAnalytics", dependencies: ["XAPI"]),
        .target(name: "TesseraSamples", dependencies: ["XAPI"]),
        .target(name: "TesseraConsole"),
        // The LRS above any database: domain types, the xAPI rules that are not storage, and the
        // storage protocols that backends implement.
        .target(
            name: "TesseraLRS",
            dependencies: [
                "XAPI", "TesseraCrypto", "TesseraAnalytics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The embedded backend: one SQLite file, its migrations in Schemas/sqlite.
        .target(
            name: "TesseraSQLite",
            dependencies: [
                "XAPI", "CSQLite", "COpenSSL", "TesseraCrypto", "TesseraAnalytics", "TesseraLRS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Migrations/README.md"],
            resources: migrations(in: "sqlite")
        ),
        .target(
            name: "TesseraServer",
            dependencies: [
                "XAPI", "TesseraLRS", "TesseraCrypto", "TesseraAnalytics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        // The PostgreSQL backend (issue 19, under way): its migrations in Schemas/postgres.
        .target(
            name: "TesseraPostgres",
            dependencies: [
                "XAPI", "TesseraLRS",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Migrations/README.md"],
            resources: migrations(in: "postgres")
        ),
        .executableTarget(
            name: "tessera",
            dependencies: [
                "XAPI",
                "TesseraAnalytics",
                "TesseraCrypto",
                "TesseraLRS",
                "TesseraSQLite",
                "TesseraPostgres",
                "TesseraServer",
                "TesseraConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Benchmarks (BENCHMARKS.md), outside the product binary; the HTTP ones run `tessera`.
        .executableTarget(
            name: "tessera-bench",
            dependencies: [
                "XAPI",
                "TesseraSamples",
                "TesseraLRS",
                "TesseraSQLite",
                "TesseraPostgres",
                "TesseraConsole",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The fuzz targets' checks, and the two libFuzzer executables (docs/fuzzing.md).
        .target(name: "TesseraFuzz", dependencies: ["XAPI"]),
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .executableTarget(name: "fuzz-statements", dependencies: ["TesseraFuzz", "CLibFuzzer"]),
        .executableTarget(name: "fuzz-multipart", dependencies: ["TesseraFuzz", "CLibFuzzer"]),
        .target(
            name: "TesseraTestSupport",
            dependencies: [
                "XAPI", "TesseraLRS", "TesseraSQLite", "TesseraPostgres", "TesseraAnalytics", "TesseraSamples",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TesseraTestSupport"),
        .testTarget(name: "TesseraAnalyticsTests", dependencies: ["TesseraAnalytics", "XAPI", "TesseraSamples", "TesseraTestSupport"]),
        // Every storage protocol's contract, run against each backend (Tests/TesseraContractTests/Backends.swift).
        .testTarget(
            name: "TesseraContractTests",
            dependencies: ["TesseraLRS", "TesseraSQLite", "TesseraPostgres", "TesseraAnalytics", "TesseraCrypto", "XAPI", "TesseraSamples", "TesseraTestSupport",
                           .product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // The command line, run as a real process: the only tests that depend on the executable.
        .testTarget(
            name: "TesseraCLITests",
            dependencies: ["tessera", "TesseraSQLite", "TesseraLRS", "TesseraAnalytics", "TesseraCrypto", "XAPI", "TesseraTestSupport"]
        ),
        .testTarget(
            name: "TesseraSQLiteTests",
            dependencies: ["TesseraSQLite", "TesseraLRS", "TesseraAnalytics", "TesseraCrypto", "XAPI", "TesseraSamples", "TesseraTestSupport"]
        ),
        .testTarget(
            name: "TesseraServerTests",
            dependencies: [
                "TesseraServer", "TesseraLRS", "TesseraSQLite", "TesseraPostgres", "TesseraAnalytics", "TesseraCrypto", "XAPI",
                "TesseraTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "XAPITests",
            dependencies: ["XAPI", "TesseraSamples", "TesseraTestSupport", "TesseraFuzz"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
