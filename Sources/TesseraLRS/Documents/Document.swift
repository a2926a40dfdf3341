import XAPI

/// Which document resource a document belongs to.
public enum DocumentKind: Int64, Sendable {
    /// `/activities/state`: per activity, agent and (optional) registration.
    case state = 1
    /// `/activities/profile`: per activity.
    case activityProfile = 2
    /// `/agents/profile`: per agent.
    case agentProfile = 3
}

/// The set of documents a resource request addresses, before the document id.
public struct DocumentScope: Sendable, Equatable {
    public let kind: DocumentKind
    /// The activity IRI (state, activity profile).
    public let activity: String?
    /// The agent (state, agent profile).
    public let agent: InverseFunctionalIdentifier?
    /// The registration (state only; nil addresses the documents stored without one).
    public let registration: XAPIUUID?

    /// Creates a scope; pass only what `kind` uses.
    public init(kind: DocumentKind, activity: String? = nil, agent: InverseFunctionalIdentifier? = nil, registration: XAPIUUID? = nil) {
        self.kind = kind
        self.activity = activity
        self.agent = agent
        self.registration = registration
    }

}

/// A stored document.
public struct StoredDocument: Sendable, Equatable {
    /// The bytes as sent (or as merged).
    public let content: [UInt8]
    /// The content type it was sent with.
    public let contentType: String
    /// SHA-1 of the content, hexadecimal, unquoted.
    public let etag: String
    /// When it last changed.
    public let updated: XAPITimestamp

    /// Creates a stored document.
    public init(content: [UInt8], contentType: String, etag: String, updated: XAPITimestamp) {
        self.content = content
        self.contentType = contentType
        self.etag = etag
        self.updated = updated
    }

    /// True when the content type is JSON (media type `application/json`, parameters ignored).
    public var isJSON: Bool { DocumentChange.isJSONMediaType(contentType) }
}

/// The precondition headers of a request (RFC 7232), as the store checks them against the
/// document it is about to change, in the same transaction.
public struct DocumentPrecondition: Sendable, Equatable {
    /// When a request must carry `If-Match` or `If-None-Match`.
    public enum Requirement: Sendable, Equatable {
        /// Never (POST, DELETE, and State PUT under xAPI 1.0.3).
        case never
        /// To replace an existing document (409 without either header); creating needs none.
        case toOverwrite
        /// Always: 409 without either header when the document exists, 400 when it does not.
        case always
    }

    /// `If-Match`: the entity tags (unquoted) or `*`; nil when the header is absent.
    public var ifMatch: [String]?
    /// `If-None-Match`: the entity tags (unquoted) or `*`; nil when the header is absent.
    public var ifNoneMatch: [String]?
    /// When one of the two headers is required.
    public var requirement: Requirement

    /// No headers, nothing required.
    public static let none = DocumentPrecondition(ifMatch: nil, ifNoneMatch: nil, requirement: .never)

    /// Creates a precondition.
    public init(ifMatch: [String]?, ifNoneMatch: [String]?, requirement: Requirement) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.requirement = requirement
    }

    /// Checks the headers against the current document's entity tag (nil when there is none).
    public func check(current etag: String?) throws(DocumentRejection) {
        if let ifMatch {
            guard let etag, ifMatch.contains("*") || ifMatch.contains(etag) else {
                throw .preconditionFailed("If-Match does not match the document's current ETag")
            }
        }
        if let ifNoneMatch, let etag, ifNoneMatch.contains("*") || ifNoneMatch.contains(etag) {
            throw .preconditionFailed("If-None-Match matches the existing document")
        }
        guard ifMatch == nil && ifNoneMatch == nil else { return }
        switch (requirement, etag) {
        case (.never, _), (.toOverwrite, nil): return
        case (.toOverwrite, _?), (.always, _?): throw .preconditionRequired
        case (.always, nil): throw .preconditionMissing
        }
    }
}

/// A change to one document (or, for `deleteAll`, to every document of a scope).
public struct DocumentChange: Sendable {
    /// What to do.
    public enum Action: Sendable {
        /// Store `content` as the document, replacing any (PUT; POST when there is none).
        case replace(content: [UInt8], contentType: String)
        /// Merge the JSON object `content` into the stored JSON object, or store it when there
        /// is none (POST).
        case merge(content: [UInt8], contentType: String)
        /// Delete the document.
        case delete
        /// Delete every document of the scope (State DELETE without stateId).
        case deleteAll
    }

    public let scope: DocumentScope
    /// The stateId or profileId (ignored by `deleteAll`).
    public let id: String
    public let action: Action
    public let precondition: DocumentPrecondition

    /// Creates a change.
    public init(scope: DocumentScope, id: String, action: Action, precondition: DocumentPrecondition = .none) {
        self.scope = scope
        self.id = id
        self.action = action
        self.precondition = precondition
    }

    /// True for `application/json`, with or without parameters.
    public static func isJSONMediaType(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingSpaces().lowercased() == "application/json"
    }
}

/// What a document change comes to once checked against the stored document: the one place
/// the xAPI document rules (preconditions, JSON merge) are decided, for every backend.
public enum DocumentWrite: Sendable, Equatable {
    /// Store these bytes as the document.
    case store(content: [UInt8], contentType: String)
    /// Delete the document.
    case delete
    /// Delete every document of the scope.
    case deleteAll
}

extension DocumentChange {
    /// Checks the change against `current` (the stored document, nil when there is none) and
    /// says what to write; throws, and nothing may be written, when it is refused.
    public func write(over current: StoredDocument?) throws(DocumentRejection) -> DocumentWrite {
        if case .deleteAll = action { return .deleteAll }
        try precondition.check(current: current?.etag)
        switch action {
        case .delete, .deleteAll:
            return .delete
        case .replace(let content, let contentType):
            return .store(content: content, contentType: contentType)
        case .merge(let content, let contentType):
            guard let current else {
                if Self.isJSONMediaType(contentType) { try Self.requireObject(content, "the document sent") }
                return .store(content: content, contentType: contentType)
            }
            guard current.isJSON else {
                throw .notMergeable("the stored document is not application/json, so a POST cannot merge into it")
            }
            guard Self.isJSONMediaType(contentType) else {
                throw .notMergeable("a POST merging into a JSON document must send application/json")
            }
            try Self.requireObject(current.content, "the stored document")
            // xAPI's document merge: top-level members replaced whole.
            guard let merged = JSONMerge.merge(content, into: current.content) else {
                throw .notMergeable("the document sent is not a JSON object")
            }
            return .store(content: merged, contentType: current.contentType)
        }
    }

    private static func requireObject(_ bytes: [UInt8], _ name: String) throws(DocumentRejection) {
        guard let document = try? JSONDocument.parse(bytes), document.root.kind == .object else {
            throw .notMergeable("\(name) is not a JSON object")
        }
    }
}

/// Why a document change was refused. Nothing was changed.
public enum DocumentRejection: Error, Equatable, Sendable {
    /// If-Match or If-None-Match failed (412).
    case preconditionFailed(String)
    /// The document exists and the request named no precondition (409).
    case preconditionRequired
    /// The document does not exist and the request named no precondition where one is always
    /// required (400).
    case preconditionMissing
    /// A POST cannot be merged: a reason naming which side is not a JSON object (400).
    case notMergeable(String)
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result.removeFirst() }
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }
}
