/// The content of one statement attachment, stored once per hash.
public struct AttachmentContent: Sendable, Equatable {
    /// The SHA-2 of the content, hexadecimal (as the statement's attachment names it).
    public let sha2: String
    /// The content type the part was sent with.
    public let contentType: String
    /// The octets.
    public let content: [UInt8]

    /// Creates attachment content.
    public init(sha2: String, contentType: String, content: [UInt8]) {
        self.sha2 = sha2
        self.contentType = contentType
        self.content = content
    }
}
