import Hummingbird
import TesseraCrypto
import TesseraLRS
import XAPI

/// The body of a statement PUT or POST: JSON, or multipart/mixed with the statements in the
/// first part and attachment content in the others. Checks what xAPI asks of attachments and
/// signed statements before anything is stored.
struct StatementUpload {
    /// The statements, or the first one's rejection.
    let parsed: ParsedStatements
    /// The content of the attachments sent as parts, one per hash.
    let attachments: [AttachmentContent]
    private let parts: [String: MultipartBody.Part]

    /// The most attachment parts one request may carry.
    static let maxParts = 100

    /// Reads the body of `request` by its content type.
    init(_ request: Request, version: XAPIVersion) async throws {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = MediaType.of(request)
        var request = request
        let body = Array(try await request.collectBody(upTo: ServerLimits.maxBodyBytes).readableBytesView)
        switch mediaType {
        case "application/json":
            parsed = try Self.parse(body, version: version)
            parts = [:]
        case "multipart/mixed":
            guard let boundary = MultipartBody.boundary(ofContentType: contentType) else {
                throw XAPIError.badParameter("Content-Type", "multipart/mixed needs a boundary parameter")
            }
            let multipart: MultipartBody
            do {
                multipart = try MultipartBody(parsing: body, boundary: boundary, maxParts: Self.maxParts + 1)
            } catch {
                throw XAPIError(.badRequest, "the multipart body is malformed: \(error.reason)")
            }
            guard let first = multipart.parts.first else { throw XAPIError(.badRequest, "the multipart body has no parts") }
            let firstType = first.header("Content-Type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard firstType == "application/json" else {
                throw XAPIError(.badRequest, "the first part must be the statements as application/json, got \(firstType ?? "no Content-Type")")
            }
            parsed = try Self.parse(first.content, version: version)
            parts = try Self.attachmentParts(multipart.parts.dropFirst())
        default:
            throw XAPIError.badParameter("Content-Type", "must be application/json or multipart/mixed, got \"\(contentType)\"")
        }
        attachments = parts.map { AttachmentContent(sha2: $0.key, contentType: $0.value.header("Content-Type") ?? "application/octet-stream", content: $0.value.content) }
    }

    private static func parse(_ bytes: [UInt8], version: XAPIVersion) throws -> ParsedStatements {
        do {
            return try StatementInput.parse(bytes, version: version)
        } catch {
            throw XAPIError.invalidStatement(error, index: nil)
        }
    }

    /// The attachment parts by the hash they declare, each checked: the headers xAPI requires
    /// and content that has that hash.
    private static func attachmentParts(_ parts: ArraySlice<MultipartBody.Part>) throws -> [String: MultipartBody.Part] {
        var byHash: [String: MultipartBody.Part] = [:]
        for (offset, part) in parts.enumerated() {
            let number = offset + 1
            guard let declared = part.header("X-Experience-API-Hash")?.lowercased(), !declared.isEmpty else {
                throw XAPIError(.badRequest, "multipart part \(number) has no X-Experience-API-Hash header")
            }
            guard part.header("Content-Transfer-Encoding")?.lowercased() == "binary" else {
                throw XAPIError(.badRequest, "multipart part \(number) must have Content-Transfer-Encoding: binary")
            }
            guard let actual = Digest.sha2Hex(part.content, sizedLike: declared) else {
                throw XAPIError(.badRequest, "multipart part \(number): X-Experience-API-Hash is not a SHA-256, SHA-384 or SHA-512 in hexadecimal")
            }
            guard actual == declared else {
                throw XAPIError(.badRequest, "multipart part \(number): the content's SHA-2 is \(actual), not the declared \(declared)")
            }
            byHash[declared] = part
        }
        return byHash
    }

    /// The statements, once every attachment rule holds: each attachment without a fileUrl has
    /// its part, every part belongs to an attachment, and signatures are well-formed JWS whose
    /// payload is the statement (verified against the x5c chain when there is one).
    func statements(version: XAPIVersion) throws -> [Statement] {
        let statements: [Statement]
        switch parsed.allValid() {
        case .success(let valid): statements = valid
        case .failure(let rejected):
            throw XAPIError.invalidStatement(rejected.rejection, index: parsed.isBatch ? rejected.index : nil)
        }
        var used = Set<String>()
        for (index, statement) in statements.enumerated() {
            let batchIndex = parsed.isBatch ? index : nil
            for (position, attachment) in (statement.attachments ?? []).enumerated() {
                let sha2 = attachment.sha2.lowercased()
                let path = "statement.attachments[\(position)]"
                let part = parts[sha2]
                if part != nil { used.insert(sha2) }
                if attachment.usageType == Attachment.signatureUsageType {
                    try checkSignature(attachment, part, of: statement, path: path, index: batchIndex, version: version)
                } else if part == nil && attachment.fileUrl == nil {
                    throw Self.error(batchIndex, path + ".sha2", "has no fileUrl and no multipart part with X-Experience-API-Hash \(sha2)")
                }
            }
        }
        if let excess = parts.keys.first(where: { !used.contains($0) }) {
            throw XAPIError(.badRequest, "the multipart part with hash \(excess) belongs to no attachment of the statements")
        }
        return statements
    }

    private func checkSignature(
        _ attachment: Attachment, _ part: MultipartBody.Part?, of statement: Statement, path: String, index: Int?,
        version: XAPIVersion
    ) throws {
        guard attachment.contentType.lowercased() == "application/octet-stream" else {
            throw Self.error(index, path + ".contentType", "a signature attachment must be application/octet-stream")
        }
        guard let part else { throw Self.error(index, path, "a signature attachment must be sent as a multipart part") }
        let jws: JWS
        do {
            jws = try JWS(compact: part.content)
            try jws.verifyWithCertificateChain()
        } catch {
            throw Self.error(index, path, "invalid signature: \(error.reason)")
        }
        guard let payload = try? JSONDocument.parse(jws.payload), payload.root.kind == .object,
            case .success(let signed) = StatementReader.read(payload.root, version: version)
        else { throw Self.error(index, path, "invalid signature: the JWS payload is not a statement") }
        guard signed.isEquivalent(to: statement) else {
            throw Self.error(index, path, "invalid signature: the JWS payload differs from the statement it signs")
        }
    }

    private static func error(_ index: Int?, _ path: String, _ message: String) -> XAPIError {
        let which = index.map { "statement \($0) of the batch" } ?? "the statement"
        return XAPIError(.badRequest, "\(which): \(path) \(message)", errors: [.init(index: index, path: path, message: message)])
    }
}
