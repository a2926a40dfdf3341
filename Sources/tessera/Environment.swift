import Foundation
import TesseraServer

/// Defaults that TESSERA_* environment variables may override (docs/configuration.md).
enum Environment {
    static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The database file: TESSERA_DB, else tessera.sqlite.
    static var database: String { value("TESSERA_DB") ?? "tessera.sqlite" }

    /// The signing key file: the `--signing-key` given, else TESSERA_SIGNING_KEY, else the
    /// database's default (`Database.defaultSigningKeyPath`).
    static func signingKeyPath(_ option: String?, database: Database) -> String {
        option ?? value("TESSERA_SIGNING_KEY") ?? database.defaultSigningKeyPath
    }
}
