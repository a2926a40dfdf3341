import Foundation
import HTTPTypes
import HummingbirdTesting
import TesseraCrypto
import TesseraServer
import TesseraTestSupport
import Testing

/// The server's Ed25519 key for export manifests: its file, its signatures, its publication.
struct SigningKeyTests {
    @Test func theKeyFileIsCreatedOwnerOnlyAndReadBackTheSame() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("server.signing-key.pem")
        let created = try SigningKeyFile.loadOrCreate(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let loaded = try SigningKeyFile.loadOrCreate(at: path)
        #expect(try loaded.publicKey() == created.publicKey())
        #expect(try created.publicKey().count == 32)
        #expect(try SigningKeyFile.loadOrCreate(at: directory.path("other.pem")).publicKey() != created.publicKey())
    }

    @Test func nodesCreatingOneKeyFileTogetherAllGetTheSameKey() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.signing-key.pem")
        let keys = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<16 { group.addTask { try SigningKeyFile.loadOrCreate(at: path).publicKey() } }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(keys.count == 1, "one key, whoever created the file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test func aKeyFileThatIsNotAnEd25519KeyIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bad.pem")
        try Data("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: Ed25519Key.Failure.self) { try SigningKeyFile.loadOrCreate(at: path) }
    }

    @Test func signaturesVerifyWithThePublicKeyAndNothingElse() throws {
        let key = try Ed25519Key.generate()
        let message = Array(#"{"count":3,"chainHead":"ab12"}"#.utf8)
        let signature = try key.sign(message)
        #expect(signature.count == 64)
        #expect(Ed25519Key.isValid(signature: signature, of: message, publicKey: try key.publicKey()))
        var altered = message
        altered[10] ^= 1
        #expect(!Ed25519Key.isValid(signature: signature, of: altered, publicKey: try key.publicKey()))
        #expect(!Ed25519Key.isValid(signature: signature, of: message, publicKey: try Ed25519Key.generate().publicKey()))
        #expect(!Ed25519Key.isValid(signature: Array(signature.dropLast()), of: message, publicKey: try key.publicKey()))
    }

    @Test(arguments: [TestingSetup.router, .live])
    func thePublicKeyIsPublishedWithoutCredentials(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        let expected = Data(try lrs.signingKey.publicKey()).base64EncodedString()
        try await lrs.test(setup) { client in
            let response = try await client.execute(uri: "/export/public-key", method: .get)
            #expect(response.status == .ok)
            let body = try #require(try json(response) as? [String: Any])
            #expect(body["algorithm"] as? String == "Ed25519")
            #expect(body["publicKey"] as? String == expected)
            #expect((body["publicKeyPEM"] as? String)?.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
            let about = try #require(try json(try await client.execute(uri: "/xapi/about", method: .get)) as? [String: Any])
            let extensions = try #require(about["extensions"] as? [String: Any])
            #expect(extensions["urn:tessera:export-public-key"] as? String == expected)
        }
    }
}
