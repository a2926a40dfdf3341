import Foundation
import TesseraCrypto

/// The server's Ed25519 signing key on disk (PKCS #8 PEM), created on first use with
/// permissions 0600 so that only the account running Tessera can read it.
public enum SigningKeyFile {
    /// The key file cannot be created or written.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The key at `path`, created there when the file does not exist. Processes starting
    /// together (nodes sharing a key file) all end up with the same key: the file appears
    /// whole, or not at all, and whoever did not create it reads it.
    public static func loadOrCreate(at path: String) throws -> Ed25519Key {
        if FileManager.default.fileExists(atPath: path) { return try load(path) }
        let key = try Ed25519Key.generate()
        let pem = try key.privateKeyPEM()
        // Written whole under a name of its own, with 0600 from the start, then linked into
        // place: `link` never replaces a file that appeared meanwhile.
        let temporary = path + ".\(UInt64.random(in: 0 ... .max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot create the signing key file \(path): \(String(cString: strerror(errno)))") }
        defer { unlink(temporary) }
        let written = pem.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == pem.count, synced else { throw Failure(description: "cannot write the signing key file \(path)") }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return try load(path) }
            throw Failure(description: "cannot create the signing key file \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }

    private static func load(_ path: String) throws -> Ed25519Key {
        try Ed25519Key(privateKeyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The default place of the key for the database at `database`: beside it.
    public static func defaultPath(forDatabase database: String) -> String {
        database + ".signing-key.pem"
    }
}
