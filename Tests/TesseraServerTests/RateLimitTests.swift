import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import TesseraServer
import TesseraLRS
import TesseraSQLite
import Testing

/// Per-credential request rates and failed sign-ins: 429 with `Retry-After`, a JSON reason,
/// and nobody else slowed down.
struct RateLimitTests {
    @Test func bucketsSpendTheirBurstAndEarnItBack() {
        let limiter = RateLimiter(.init(perSecond: 2, burst: 3))
        let start = ContinuousClock.now
        #expect((0..<3).map { _ in limiter.spend("a", now: start) } == [nil, nil, nil])
        let wait = limiter.spend("a", now: start)
        #expect(wait == .seconds(0.5), "one token comes back every half second")
        #expect(limiter.spend("b", now: start) == nil, "keys do not share a bucket")
        #expect(limiter.wait("a", now: start + .milliseconds(499)) != nil)
        #expect(limiter.spend("a", now: start + .milliseconds(500)) == nil)
        #expect(limiter.spend("a", now: start + .seconds(100)) == nil)
        #expect(limiter.spend("a", now: start + .seconds(100)) == nil)
        #expect(limiter.spend("a", now: start + .seconds(100)) == nil, "the burst is back, and no more")
        #expect(limiter.spend("a", now: start + .seconds(100)) != nil)
        #expect(XAPIError.retryAfterSeconds(.milliseconds(1)) == 1)
        #expect(XAPIError.retryAfterSeconds(.seconds(2)) == 2)
        #expect(XAPIError.retryAfterSeconds(.milliseconds(2001)) == 3)
    }

    @Test func aCredentialOverItsRateGets429WithRetryAfter() async throws {
        let lrs = try await TestLRS()
        // One request every five seconds: slow enough that no test machine refills in between.
        try await lrs.test(.live, requestsPerSecond: 0.2) { client in
            #expect(try await client.execute(uri: "/xapi/statements?limit=1", method: .get, headers: lrs.headers()).status == .ok)
            let response = try await client.execute(uri: "/xapi/statements?limit=1", method: .get, headers: lrs.headers())
            #expect(response.status == .tooManyRequests)
            // Five seconds per request, less however long the first one took on a busy machine.
            let retryAfter = Int(response.headers[.retryAfter] ?? "") ?? 0
            #expect((1...5).contains(retryAfter), "\(response.headers[.retryAfter] ?? "none")")
            #expect(String(buffer: response.body).contains(#"the credential \"course\" is over its limit"#))
            #expect(response.headers[.contentType] == "application/json")
            let other = try await client.execute(uri: "/xapi/statements?limit=1", method: .get, headers: lrs.headers(lrs.reader))
            #expect(other.status == .forbidden, "another credential is not limited (and is refused only for its scope)")
        }
    }

    @Test func repeatedWrongSecretsLockTheKeyForAWhile() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            var wrong = lrs.headers()
            wrong[.authorization] = "Basic " + Data("\(lrs.writer.credential.key):wrong".utf8).base64EncodedString()
            for attempt in 1...10 {
                let response = try await client.execute(uri: "/xapi/statements", method: .get, headers: wrong)
                #expect(response.status == .unauthorized, "attempt \(attempt)")
            }
            // A slow machine may earn a token back (one per six seconds) while it tries.
            var locked = try await client.execute(uri: "/xapi/statements", method: .get, headers: wrong)
            for _ in 0..<5 where locked.status == .unauthorized {
                locked = try await client.execute(uri: "/xapi/statements", method: .get, headers: wrong)
            }
            #expect(locked.status == .tooManyRequests)
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(String(buffer: locked.body).contains("too many failed sign-ins"))
            // The dashboard's form counts failed sign-ins to an account the same way, on its own:
            // wrong passwords for a name lock that name (the loop's bound only stops a lockout
            // that never comes).
            var form = try await client.execute(
                uri: "/dashboard/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: buffer("name=\(lrs.viewer.credential.key)&password=wrong"))
            for _ in 0..<40 where form.status == .unauthorized {
                form = try await client.execute(
                    uri: "/dashboard/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: buffer("name=\(lrs.viewer.credential.key)&password=wrong"))
            }
            #expect(form.status == .tooManyRequests)
            #expect(String(buffer: form.body).contains("Too many failed sign-ins with this name"))
            // Other keys, and keys that do not exist, are not locked.
            #expect(try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(lrs.reader)).status == .forbidden)
            var unknown = lrs.headers()
            unknown[.authorization] = "Basic " + Data("no-such-key:x".utf8).base64EncodedString()
            for _ in 0..<15 {
                #expect(try await client.execute(uri: "/xapi/statements", method: .get, headers: unknown).status == .unauthorized)
            }
        }
    }

    @Test func wrongSecretsLockTheAttackerNotTheOwner() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.live) { client in
            // The owner's course is signed in (its secret verified) before the attack starts.
            #expect(try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(lrs.reader)).status == .forbidden)
            var wrong = lrs.headers(lrs.reader)
            wrong[.authorization] = "Basic " + Data("\(lrs.reader.credential.key):guess".utf8).base64EncodedString()
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<14 { statuses.append(try await client.execute(uri: "/xapi/statements", method: .get, headers: wrong).status) }
            #expect(statuses.last == .tooManyRequests, "the guesses are throttled")
            let owner = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(lrs.reader))
            #expect(owner.status == .forbidden, "the owner's secret still signs in (403 is its scope, not a lock)")
        }
    }

    @Test func failuresCountPerClientAddress() async throws {
        let lrs = try await TestLRS()
        let check = SignInCheck(credentials: Credentials(repository: lrs.repository))
        let key = lrs.writer.credential.key
        // Wrong secrets until the address is locked: ten at once may fail, then one every six
        // seconds. However slow each verification is on a loaded machine, the bucket empties
        // unless one takes six seconds; the loop's bound only stops a lockout that never comes.
        var locked = false
        for _ in 0..<40 where !locked {
            if case .locked = try await check.check(key: key, secret: "guess", client: "203.0.113.7") { locked = true }
        }
        #expect(locked, "repeated failures lock the address")
        guard case .locked = try await check.check(key: key, secret: lrs.writer.secret, client: "203.0.113.7") else {
            Issue.record("the attacker's address is locked, even with the right secret (never verified there)")
            return
        }
        guard case .accepted = try await check.check(key: key, secret: lrs.writer.secret, client: "198.51.100.4") else {
            Issue.record("the owner's address is not")
            return
        }
    }
}

/// Whose failures a request's are behind a proxy: `X-Forwarded-For` only from trusted proxies.
struct ClientAddressTests {
    static func request(_ forwardedFor: [String]) -> Request {
        var fields = HTTPFields()
        for value in forwardedFor { fields.append(HTTPField(name: ClientAddress.forwardedFor, value: value)) }
        return Request(head: HTTPRequest(method: .get, scheme: "http", authority: "lrs.example.org", path: "/", headerFields: fields), body: RequestBody(buffer: ByteBuffer()))
    }

    @Test func forwardedAddressesCountOnlyFromTrustedProxies() {
        let clients = ClientAddress(trustedProxies: ["127.0.0.1", "::1", "10.0.0.5"])
        #expect(clients.of(Self.request(["203.0.113.7"]), peer: "127.0.0.1") == "203.0.113.7", "the proxy's client")
        #expect(clients.of(Self.request(["203.0.113.7"]), peer: "198.51.100.4") == "198.51.100.4", "an untrusted peer's header is ignored")
        #expect(clients.of(Self.request(["1.1.1.1, 203.0.113.7, 10.0.0.5"]), peer: "::1") == "203.0.113.7",
                "the nearest address that is not a trusted proxy (what the client wrote further left is not trusted)")
        #expect(clients.of(Self.request(["1.1.1.1", "203.0.113.7"]), peer: "127.0.0.1") == "203.0.113.7", "several headers read as one list")
        #expect(clients.of(Self.request(["not an address, 203.0.113.7"]), peer: "127.0.0.1") == "203.0.113.7")
        #expect(clients.of(Self.request(["203.0.113.7, <script>"]), peer: "127.0.0.1") == "127.0.0.1", "garbage ends the search")
        #expect(clients.of(Self.request([]), peer: "127.0.0.1") == "127.0.0.1")
        #expect(clients.of(Self.request(["10.0.0.5"]), peer: "127.0.0.1") == "127.0.0.1", "only proxies: the peer")
        #expect(ClientAddress(trustedProxies: []).of(Self.request(["203.0.113.7"]), peer: "127.0.0.1") == "127.0.0.1", "none trusted by default")
    }
}
