import Foundation

/// Environment variables read directly: the first start's admin credential, the user erasing.
enum Environment {
    static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
