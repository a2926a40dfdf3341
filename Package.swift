// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tessera", targets: ["tessera"]),
        .library(name: "XAPI", targets: ["XAPI"]),
        .library(name: "TesseraStore", targets: ["TesseraStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
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
        .target(
            name: "TesseraStore",
            dependencies: [
                "XAPI", "CSQLite", "COpenSSL", "TesseraCrypto", "TesseraAnalytics",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Migrations/README.md"],
            resources: [
                .embedInCode("Migrations/0001_statements.sql"),
                .embedInCode("Migrations/0002_credentials.sql"),
                .embedInCode("Migrations/0003_compare_on_conflict.sql"),
                .embedInCode("Migrations/0004_statement_refs.sql"),
                .embedInCode("Migrations/0005_link_roles.sql"),
                .embedInCode("Migrations/0006_documents.sql"),
                .embedInCode("Migrations/0007_activity_definitions.sql"),
                .embedInCode("Migrations/0008_attachments.sql"),
                .embedInCode("Migrations/0009_catalog_roster.sql"),
                .embedInCode("Migrations/0010_learning_facts.sql"),
                .embedInCode("Migrations/0011_settings.sql"),
                .embedInCode("Migrations/0012_retention_baseline.sql"),
                .embedInCode("Migrations/0013_program_events.sql"),
                .embedInCode("Migrations/0014_analytics_terms.sql"),
                .embedInCode("Migrations/0015_statement_chain.sql"),
                .embedInCode("Migrations/0016_erasure.sql"),
                .embedInCode("Migrations/0017_learning_days.sql"),
            ]
        ),
        .target(
            name: "TesseraServer",
            dependencies: [
                "XAPI", "TesseraStore", "TesseraCrypto", "TesseraAnalytics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "tessera",
            dependencies: [
                "XAPI",
                "TesseraAnalytics",
                "TesseraSamples",
                "TesseraStore",
                "TesseraServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fuzz targets' checks, and the two libFuzzer executables (docs/fuzzing.md).
        .target(name: "TesseraFuzz", dependencies: ["XAPI"]),
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .executableTarget(name: "fuzz-statements", dependencies: ["TesseraFuzz", "CLibFuzzer"]),
        .executableTarget(name: "fuzz-multipart", dependencies: ["TesseraFuzz", "CLibFuzzer"]),
        .target(name: "TesseraTestSupport", path: "Tests/TesseraTestSupport"),
        .testTarget(name: "TesseraAnalyticsTests", dependencies: ["TesseraAnalytics", "XAPI", "TesseraTestSupport", "tessera"]),
        .testTarget(
            name: "TesseraStoreTests",
            dependencies: ["TesseraStore", "TesseraAnalytics", "TesseraCrypto", "XAPI", "TesseraSamples", "TesseraTestSupport", "tessera"]
        ),
        .testTarget(
            name: "TesseraServerTests",
            dependencies: [
                "TesseraServer", "TesseraStore", "TesseraAnalytics", "TesseraCrypto", "XAPI", "TesseraTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "XAPITests",
            dependencies: ["XAPI", "TesseraSamples", "TesseraTestSupport", "TesseraFuzz", "tessera"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
