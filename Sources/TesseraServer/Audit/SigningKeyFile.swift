import Foundation
import TesseraCrypto

/// The server's Ed25519 signing key on disk (PKCS #8 PEM), created on first use with
/// permissions 0600 so that only the account running Tessera can read it.
public enum SigningKeyFile {
    /// The key file cannot be created or written.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The key at `path`, created there when the file does not exist.
    public static func loadOrCreate(at path: String) throws -> Ed25519Key {
        if FileManager.default.fileExists(atPath: path) {
            let pem = try Data(contentsOf: URL(fileURLWithPath: path))
            return try Ed25519Key(privateKeyPEM: Array(pem))
        }
        let key = try Ed25519Key.generate()
        let pem = try key.privateKeyPEM()
        // Created with 0600 from the start (O_EXCL: never over a file that appeared meanwhile).
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot create the signing key file \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = pem.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == pem.count, fsync(descriptor) == 0 else {
            throw Failure(description: "cannot write the signing key file \(path)")
        }
        return key
    }

    /// The default place of the key for the database at `database`: beside it.
    public static func defaultPath(forDatabase database: String) -> String {
        database + ".signing-key.pem"
    }
}
