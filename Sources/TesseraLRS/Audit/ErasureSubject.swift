import TesseraCrypto
import XAPI

/// The identifiers that name the person an erasure removes (docs/audit.md "Who is erased"):
/// an account or OpenID exactly as written; a mailbox whatever its case (the domain is
/// case-insensitive, and no organisation gives `Ann@` and `ann@` to two people), and the
/// `mbox_sha1sum` of that mailbox in lower case and as written.
public struct ErasureSubject: Sendable {
    /// Storage keys; a stored key names the person when it equals one of them (lower-cased
    /// first when `caseInsensitive`).
    public let keys: [String]
    public let caseInsensitive: Bool

    /// The person with `agentKey`.
    public init(_ agentKey: String) {
        guard case .mbox(let mailbox)? = InverseFunctionalIdentifier(storageKey: agentKey) else {
            keys = [agentKey]
            caseInsensitive = false
            return
        }
        let sums = Set([mailbox, mailbox.lowercased()].map { Digest.hex(Digest.sha1(Array($0.utf8))) })
        keys = [InverseFunctionalIdentifier.mbox(mailbox.lowercased()).storageKey]
            + sums.sorted().map { InverseFunctionalIdentifier.mboxSHA1Sum($0).storageKey }
        caseInsensitive = true
    }

    /// The SQL expression a stored key in `column` is compared with `keys` by.
    public func comparable(_ column: String) -> String {
        caseInsensitive ? "lower(\(column))" : column
    }
}
