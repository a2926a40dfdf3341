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
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
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
        .target(name: "TesseraSamples", dependencies: ["XAPI"]),
        .target(
            name: "TesseraStore",
            dependencies: [
                "XAPI", "CSQLite", "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Migrations/README.md"],
            resources: [.embedInCode("Migrations/0001_statements.sql")]
        ),
        .executableTarget(
            name: "tessera",
            dependencies: [
                "XAPI",
                "TesseraSamples",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TesseraStoreTests",
            dependencies: ["TesseraStore", "XAPI", "TesseraSamples"]
        ),
        .testTarget(
            name: "XAPITests",
            dependencies: ["XAPI", "TesseraSamples", "tessera"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
