import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraCrypto
import Testing
import XAPI

/// Statements with attachments (multipart/mixed) and signed statements.
struct AttachmentTests {
    static let boundary = "----tessera-test-boundary"
    static let text = Array("Certificate of completion: fire safety.\n".utf8)
    static var textHash: String { Digest.hex(Digest.sha256(text)) }

    /// A statement with the given attachments (JSON objects as text).
    static func statement(id: String = XAPIUUID.random().description, attachments: [String]) -> String {
        statementJSON(id: id, extra: #""attachments":[\#(attachments.joined(separator: ","))]"#)
    }

    static func attachment(sha2: String = textHash, length: Int = text.count, contentType: String = "text/plain",
                           usageType: String = "https://tessera.example.com/attachments/certificate", fileUrl: String? = nil) -> String {
        let url = fileUrl.map { #","fileUrl":"\#($0)""# } ?? ""
        return #"{"usageType":"\#(usageType)","display":{"en-US":"Certificate"},"contentType":"\#(contentType)","length":\#(length),"sha2":"\#(sha2)"\#(url)}"#
    }

    /// One part: headers (name, value) and content.
    typealias Part = (headers: [(String, String)], content: [UInt8])

    static func multipart(_ json: String, _ parts: [Part], boundary: String = boundary) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Type: application/json\r\n\r\n\(json)")
        for part in parts {
            body.writeString("\r\n--\(boundary)\r\n")
            for (name, value) in part.headers { body.writeString("\(name): \(value)\r\n") }
            body.writeString("\r\n")
            body.writeBytes(part.content)
        }
        body.writeString("\r\n--\(boundary)--\r\n")
        return body
    }

    static func textPart(hash: String = textHash, encoding: String? = "binary", content: [UInt8] = text) -> Part {
        var headers = [("Content-Type", "text/plain")]
        if let encoding { headers.append(("Content-Transfer-Encoding", encoding)) }
        if !hash.isEmpty { headers.append(("X-Experience-API-Hash", hash)) }
        return (headers, content)
    }

    static func multipartHeaders(_ lrs: TestLRS, boundary: String = boundary) -> HTTPFields {
        var headers = lrs.headers()
        headers[.contentType] = "multipart/mixed; boundary=\(boundary)"
        return headers
    }

    @Test(arguments: [TestingSetup.router, .live])
    func attachmentsAreStoredOnceAndReturnedWithAttachmentsTrue(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        let id = XAPIUUID.random().description
        try await lrs.test(setup) { client in
            let posted = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: Self.multipartHeaders(lrs),
                body: Self.multipart(Self.statement(id: id, attachments: [Self.attachment()]), [Self.textPart()]))
            #expect(posted.status == .ok, "\(String(buffer: posted.body))")

            let plain = try await client.execute(uri: "/xapi/statements?statementId=\(id)", method: .get, headers: lrs.headers())
            #expect(plain.headers[.contentType] == "application/json")

            let response = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)&attachments=true", method: .get, headers: lrs.headers())
            #expect(response.status == .ok)
            let contentType = try #require(response.headers[.contentType])
            #expect(contentType.hasPrefix("multipart/mixed"))
            let boundary = try #require(MultipartBody.boundary(ofContentType: contentType))
            let parts = try MultipartBody(parsing: Array(response.body.readableBytesView), boundary: boundary).parts
            #expect(parts.count == 2)
            #expect(parts[0].header("Content-Type") == "application/json")
            let statement = try #require(try JSONSerialization.jsonObject(with: Data(parts[0].content)) as? [String: Any])
            #expect(statement["id"] as? String == id)
            #expect(parts[1].content == Self.text)
            #expect(parts[1].header("X-Experience-API-Hash") == Self.textHash)
            #expect(parts[1].header("Content-Transfer-Encoding") == "binary")

            let query = try await client.execute(uri: "/xapi/statements?attachments=true", method: .get, headers: lrs.headers())
            let queryBoundary = try #require(MultipartBody.boundary(ofContentType: query.headers[.contentType] ?? ""))
            let queryParts = try MultipartBody(parsing: Array(query.body.readableBytesView), boundary: queryBoundary).parts
            #expect(queryParts.map(\.content).last == Self.text)
        }
    }

    @Test func jsonRequestsMayCarryOnlyFileUrlAttachments() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let withURL = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true),
                body: buffer(Self.statement(attachments: [Self.attachment(fileUrl: "https://files.example.com/cert.txt")])))
            #expect(withURL.status == .ok)
            let withoutURL = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true),
                body: buffer(Self.statement(attachments: [Self.attachment()])))
            #expect(withoutURL.status == .badRequest)
            #expect(String(buffer: withoutURL.body).contains("statement.attachments[0].sha2"))
            let onlyJSONPart = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: Self.multipartHeaders(lrs),
                body: Self.multipart(statementJSON(), []))
            #expect(onlyJSONPart.status == .ok, "multipart/mixed with no attachments at all")
        }
    }

    @Test func malformedMultipartRequestsAreRejectedAndStoreNothing() async throws {
        let lrs = try await TestLRS()
        let wrongContent = Array("something else".utf8)
        try await lrs.test(.router) { client in
            let statement = Self.statement(attachments: [Self.attachment()])
            var noBoundary = lrs.headers()
            noBoundary[.contentType] = "multipart/mixed"
            let cases: [(String, HTTPFields, ByteBuffer)] = [
                ("no boundary parameter", noBoundary, Self.multipart(statement, [Self.textPart()])),
                ("boundary missing from the body", Self.multipartHeaders(lrs, boundary: "other"), Self.multipart(statement, [Self.textPart()])),
                ("attachment part missing", Self.multipartHeaders(lrs), Self.multipart(statement, [])),
                ("no X-Experience-API-Hash", Self.multipartHeaders(lrs), Self.multipart(statement, [Self.textPart(hash: "")])),
                ("Content-Transfer-Encoding base64", Self.multipartHeaders(lrs), Self.multipart(statement, [Self.textPart(encoding: "base64")])),
                ("no Content-Transfer-Encoding", Self.multipartHeaders(lrs), Self.multipart(statement, [Self.textPart(encoding: nil)])),
                ("content does not have the declared hash", Self.multipartHeaders(lrs), Self.multipart(statement, [Self.textPart(content: wrongContent)])),
                ("part belonging to no attachment", Self.multipartHeaders(lrs), Self.multipart(
                    statementJSON(), [Self.textPart()])),
                ("multipart/form-data", { var h = Self.multipartHeaders(lrs); h[.contentType] = "multipart/form-data; boundary=\(Self.boundary)"; return h }(),
                    Self.multipart(statement, [Self.textPart()])),
            ]
            for (name, headers, body) in cases {
                let response = try await client.execute(uri: "/xapi/statements", method: .post, headers: headers, body: body)
                #expect(response.status == .badRequest, "\(name)")
                #expect(String(buffer: response.body).contains("\"message\""), "\(name)")
            }
            var firstNotJSON = ByteBuffer()
            firstNotJSON.writeString("--\(Self.boundary)\r\nContent-Type: text/plain\r\n\r\n\(statement)\r\n--\(Self.boundary)--\r\n")
            let notJSON = try await client.execute(uri: "/xapi/statements", method: .post, headers: Self.multipartHeaders(lrs), body: firstNotJSON)
            #expect(notJSON.status == .badRequest)

            let stored = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers())
            #expect((try json(stored) as? [String: Any])?["statements"] as? [Any] != nil)
            #expect(((try json(stored) as? [String: Any])?["statements"] as? [Any])?.isEmpty == true, "nothing was stored")
        }
    }

    @Test func theConformanceSuitesMultipartShapeIsAccepted() async throws {
        // A leading CRLF before the first delimiter and headers without a space after the colon.
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            var body = ByteBuffer()
            body.writeString("\r\n--\(Self.boundary)\r\nContent-Type:application/json\r\n\r\n")
            body.writeString(Self.statement(attachments: [Self.attachment()]))
            body.writeString("\r\n--\(Self.boundary)\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n")
            body.writeString("X-Experience-API-Hash:\(Self.textHash)\r\n\r\n")
            body.writeBytes(Self.text)
            body.writeString("\r\n--\(Self.boundary)--")
            let response = try await client.execute(uri: "/xapi/statements", method: .post, headers: Self.multipartHeaders(lrs), body: body)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
        }
    }

    struct SignatureCases: Decodable {
        struct Case: Decodable {
            let name: String
            let jws: String
            let accepted: Bool
        }
        let cases: [Case]
    }

    @Test func signedStatementsAreCheckedAgainstTheirJWS() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fixture = root.appendingPathComponent("Fixtures/signatures/cases.json")
        let data = try Data(contentsOf: fixture)
        let cases = try JSONDecoder().decode(SignatureCases.self, from: data).cases
        let statementObject = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])["statement"]
        let statementBytes = try JSONSerialization.data(withJSONObject: try #require(statementObject))
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            for (index, signatureCase) in cases.enumerated() {
                let jws = Array(signatureCase.jws.utf8)
                let hash = Digest.hex(Digest.sha256(jws))
                // Each case under its own id so that the accepted ones do not collide.
                var statement = try #require(try JSONSerialization.jsonObject(with: statementBytes) as? [String: Any])
                statement.removeValue(forKey: "id")
                statement["attachments"] = [[
                    "usageType": Attachment.signatureUsageType, "display": ["en-US": "Signature"],
                    "contentType": "application/octet-stream", "length": jws.count, "sha2": hash,
                ]]
                let json = String(decoding: try JSONSerialization.data(withJSONObject: statement), as: UTF8.self)
                let part: Part = ([("Content-Type", "application/octet-stream"), ("Content-Transfer-Encoding", "binary"),
                                   ("X-Experience-API-Hash", hash)], jws)
                let response = try await client.execute(
                    uri: "/xapi/statements", method: .post, headers: Self.multipartHeaders(lrs), body: Self.multipart(json, [part]))
                #expect(response.status == (signatureCase.accepted ? .ok : .badRequest),
                        "case \(index): \(signatureCase.name): \(String(buffer: response.body))")
            }
            // A signature attachment that is not application/octet-stream is malformed.
            let jws = Array(cases[0].jws.utf8)
            let hash = Digest.hex(Digest.sha256(jws))
            let wrongType = Self.statement(attachments: [Self.attachment(
                sha2: hash, length: jws.count, contentType: "text/plain", usageType: Attachment.signatureUsageType)])
            let response = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: Self.multipartHeaders(lrs),
                body: Self.multipart(wrongType, [([("Content-Type", "text/plain"), ("Content-Transfer-Encoding", "binary"),
                                                   ("X-Experience-API-Hash", hash)], jws)]))
            #expect(response.status == .badRequest)
        }
    }
}
