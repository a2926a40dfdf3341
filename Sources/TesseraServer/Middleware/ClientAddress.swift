import Foundation
import HTTPTypes
import Hummingbird

/// Who a request came from, for counting failed sign-ins per client: the peer's address, or,
/// when the peer is a proxy the operator trusts (`--trusted-proxies`), the nearest address in
/// `X-Forwarded-For` that is not one of those proxies. A header from anyone else is ignored, so a
/// client cannot choose the address its failures are counted under (docs/configuration.md).
struct ClientAddress: Sendable {
    /// Addresses of proxies that set `X-Forwarded-For` (as the peer address reads: `127.0.0.1`,
    /// `::1`).
    let trustedProxies: Set<String>

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The client address of `request`, which arrived from `peer`.
    func of(_ request: Request, peer: String?) -> String? {
        guard let peer, trustedProxies.contains(peer) else { return peer }
        let hops = request.headers[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        // A hop that is not an address (too long, odd characters) ends the search: what lies
        // beyond it cannot be trusted.
        for hop in hops.reversed() {
            guard (1...45).contains(hop.count), hop.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return peer }
            if !trustedProxies.contains(hop) { return hop }
        }
        return peer
    }
}
