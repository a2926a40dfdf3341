import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraCrypto
import TesseraLRS
import Testing
import XAPI

/// Attachment content goes only to those entitled to a statement that delivered it, and an
/// erasure reaches every copy of a person: their mailbox in any case, content only they
/// delivered, and content re-sent after the erasure.
struct AttachmentEntitlementTests {
    static func headers(_ lrs: TestLRS, _ credential: IssuedCredential, multipart: Bool = false) -> HTTPFields {
        var headers = lrs.headers(credential, json: !multipart)
        if multipart { headers[.contentType] = "multipart/mixed; boundary=\(AttachmentTests.boundary)" }
        return headers
    }

    @Test func aFileUrlNamingSomeoneElsesHashDoesNotReachTheirContent() async throws {
        let lrs = try await TestLRS()
        let a = try await lrs.credentials.create(name: "course A", scopes: [.statementsWrite, .statementsReadMine])
        let b = try await lrs.credentials.create(name: "course B", scopes: [.statementsWrite, .statementsReadMine])
        try await lrs.test(.live) { client in
            let delivered = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: Self.headers(lrs, a, multipart: true),
                body: AttachmentTests.multipart(AttachmentTests.statement(attachments: [AttachmentTests.attachment()]), [AttachmentTests.textPart()]))
            #expect(delivered.status == .ok)
            let claimed = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: Self.headers(lrs, b),
                body: buffer(AttachmentTests.statement(attachments: [AttachmentTests.attachment(fileUrl: "https://files.example.com/x")])))
            #expect(claimed.status == .ok, "\(String(buffer: claimed.body))")
            let readByB = try await client.execute(uri: "/xapi/statements?attachments=true", method: .get, headers: Self.headers(lrs, b))
            #expect(readByB.status == .ok)
            #expect(!String(buffer: readByB.body).contains("Certificate of completion"), "B is not served A's bytes")
            let readByA = try await client.execute(uri: "/xapi/statements?attachments=true", method: .get, headers: Self.headers(lrs, a))
            #expect(String(buffer: readByA.body).contains("Certificate of completion"), "A still gets what A sent")
            #expect(try await lrs.scalar("SELECT COUNT(*) FROM statement_attachments") == 1, "only the statement that delivered it is linked")
        }
    }

    @Test func anErasureReachesEveryCaseOfTheMailboxAndContentOnlyTheyDelivered() async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "privacy officer", scopes: [.admin])
        try await lrs.test(.live) { client in
            let ann = XAPIUUID.random().description
            let shouted = #"{"actor":{"mbox":"mailto:Ann@EXAMPLE.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://courses.example.com/c"}}"#
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(shouted)).status == .ok)
            let delivered = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: AttachmentTests.multipartHeaders(lrs),
                body: AttachmentTests.multipart(AttachmentTests.statement(id: ann, attachments: [AttachmentTests.attachment()]), [AttachmentTests.textPart()]))
            #expect(delivered.status == .ok)
            // bo names the same content by URL only: that must not keep ann's content alive.
            let bo = statementJSON(actor: "bo", extra: #""attachments":[\#(AttachmentTests.attachment(fileUrl: "https://files.example.com/x"))]"#)
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(bo)).status == .ok)

            let erased = try await client.execute(
                uri: "/admin/agents?agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D", method: .delete, headers: lrs.headers(admin, version: nil))
            #expect(erased.status == .ok, "\(String(buffer: erased.body))")
            let report = try #require(try json(erased) as? [String: Any])
            #expect(report["statements"] as? Int == 2, "both spellings of the mailbox")
            #expect(report["attachments"] as? Int == 1, "content only ann delivered")
            #expect(try await lrs.scalar("SELECT COUNT(*) FROM attachments") == 0)

            // ann's erased statement sent again, with its part: refused or ignored, and the
            // bytes are not stored where no later erasure could reach them.
            _ = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: AttachmentTests.multipartHeaders(lrs),
                body: AttachmentTests.multipart(AttachmentTests.statement(id: ann, attachments: [AttachmentTests.attachment()]), [AttachmentTests.textPart()]))
            #expect(try await lrs.scalar("SELECT COUNT(*) FROM attachments") == 0, "no unlinked content")
        }
    }
}
