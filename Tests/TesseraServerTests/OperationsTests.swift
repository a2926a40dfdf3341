import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
@testable import TesseraServer
import TesseraLRS
import TesseraSQLite
import Testing

/// `/health`, `/ready`, `/metrics`, request ids and the request log.
struct OperationsTests {
    @Test(arguments: [TestingSetup.router, .live])
    func healthAndReadinessNeedNoCredential(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok && String(buffer: health.body) == #"{"status":"ok"}"#)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok && String(buffer: ready.body) == #"{"status":"ready"}"#)
            #expect(try await client.execute(uri: "/ready", method: .head).status == .ok)
        }
    }

    /// `/`: a page for people, open, with no Basic challenge, the version and the ways in.
    @Test(arguments: [TestingSetup.router, .live])
    func theLandingPageNeedsNoCredential(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let page = try await client.execute(uri: "/", method: .get, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.wwwAuthenticate] == nil, "no Basic challenge, no pop-up")
            #expect(page.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            let html = String(buffer: page.body)
            #expect(html.contains("version \(TesseraVersion.current)"))
            for link in [#"href="/dashboard""#, #"href="/xapi/about""#, #"href="/health""#] { #expect(html.contains(link), "\(link)") }
            #expect(html.contains("/xapi/ with a key and secret"), "the endpoint courses use")
            #expect(!html.contains("<script"))
            let head = try await client.execute(uri: "/", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(try await client.execute(uri: "/", method: .post).status == .methodNotAllowed)
        }
    }

    @Test func notReadyOnceTheStoreIsClosed() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            await lrs.closeStore()
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable && String(buffer: ready.body).contains("not ready"))
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func metricsCountRequestsStatementsAndTheWriter(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let batch = "[" + (1...3).map { _ in statementJSON() }.joined(separator: ",") + "]"
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(batch)).status == .ok)
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(statementJSON())).status == .ok)
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer("{")).status == .badRequest)
            _ = try await client.execute(uri: "/no/such/path/\(UUID())", method: .get)

            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: response.body)
            func value(_ series: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
            }
            #expect(value("tessera_statements_stored_total") == 4)
            #expect(value(#"tessera_http_requests_total{method="POST",path="/xapi/statements",status="200"}"#) == 2)
            #expect(value(#"tessera_http_requests_total{method="POST",path="/xapi/statements",status="400"}"#) == 1)
            #expect(value(#"tessera_http_requests_total{method="GET",path="other",status="404"}"#) == 1, "unknown paths share one series")
            #expect(value(#"tessera_http_request_duration_seconds_count{method="POST",path="/xapi/statements"}"#) == 3)
            #expect(text.contains(#"tessera_http_request_duration_seconds_bucket{method="POST",path="/xapi/statements",le="0.001"}"#))
            #expect((value("tessera_writer_commit_statements_sum") ?? 0) == 4)
            #expect((value("tessera_writer_commit_requests_count") ?? 0) >= 1)
            #expect(value("tessera_writer_queue_depth") == 0)
            #expect((value("tessera_database_size_bytes") ?? 0) > 10_000)
        }
    }

    @Test func everyResponseCarriesARequestIDAndTheLogNamesIt() async throws {
        let lines = LogLines()
        let lrs = try await TestLRS()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        try await lrs.test(.router, logger: logger) { client in
            var headers = lrs.headers(json: true)
            headers[HTTPField.Name("X-Request-Id")!] = "upload-42"
            let posted = try await client.execute(uri: "/xapi/statements", method: .post, headers: headers, body: buffer(statementJSON()))
            #expect(posted.headers[HTTPField.Name("X-Request-Id")!] == "upload-42")
            headers[HTTPField.Name("X-Request-Id")!] = "a b;c"
            let renamed = try await client.execute(uri: "/xapi/about", method: .get, headers: headers)
            let assigned = try #require(renamed.headers[HTTPField.Name("X-Request-Id")!])
            #expect(assigned.count == 16 && assigned.allSatisfy(\.isHexDigit), "a hostile id is replaced")
            let anonymous = try await client.execute(uri: "/xapi/statements", method: .get, headers: [HTTPField.Name("X-Experience-API-Version")!: "1.0.3"])
            #expect(anonymous.status == .unauthorized && anonymous.headers[HTTPField.Name("X-Request-Id")!] != nil)
        }
        let log = lines.all
        let upload = try #require(log.first { $0.contains("request=upload-42") })
        for part in ["method=POST", "path=/xapi/statements", "status=200", "credential=course", "duration_ms="] {
            #expect(upload.contains(part), "\(part) in \(upload)")
        }
        #expect(log.contains { $0.contains("status=401") && !$0.contains("credential=") })
        #expect(!log.joined().contains(lrs.writer.secret), "no secret in the log")
    }
}

/// Log lines kept for a test to read.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}

/// Keeps each log line (message and metadata, sorted).
struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("\(event.message) " + merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }.joined(separator: " "))
    }
}

extension OperationsTests {
    @Test func credentialNamesAreOneLogfmtValue() {
        let cases: [(String, String)] = [
            ("course-1", "course-1"), ("L&D dashboard", #""L&D dashboard""#), (#"a "b"=c"#, #""a \"b\"=c""#),
            ("two" + String(UnicodeScalar(10)) + "lines", #""two\nlines""#),
        ]
        for (name, logged) in cases { #expect(RequestLogMiddleware.logfmtValue(name) == logged, "\(name)") }
    }
}
