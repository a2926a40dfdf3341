import XAPI

/// The Statement resource's filters, as the store applies them.
public struct StatementQuery: Sendable, Equatable {
    /// Statements whose actor or object is this agent or identified group.
    public var agent: InverseFunctionalIdentifier?
    /// Widen `agent` to every agent the statement mentions (authority, instructor, team,
    /// members, sub-statement, context agents).
    public var relatedAgents = false
    /// Statements with this verb IRI.
    public var verb: String?
    /// Statements whose object is this activity.
    public var activity: String?
    /// Widen `activity` to context activities and sub-statement activities.
    public var relatedActivities = false
    /// Statements with this registration.
    public var registration: XAPIUUID?
    /// Stored strictly after this time.
    public var since: XAPITimestamp?
    /// Stored at or before this time.
    public var until: XAPITimestamp?
    /// Oldest first instead of newest first.
    public var ascending = false
    /// Most statements to return (the store caps it at `StatementQuery.maximumLimit`).
    public var limit = StatementQuery.defaultLimit
    /// Continue after this position (from a previous page's `next`).
    public var after: Int64?
    /// Only statements stored under this authority (`statements/read/mine`).
    public var authority: InverseFunctionalIdentifier?

    /// The page size when the client names none.
    public static let defaultLimit = 100
    /// The largest page the store returns (also what `limit=0` means).
    public static let maximumLimit = 500
    /// The most statement bytes a page holds (at least one statement, whatever its size): a
    /// page of large statements ends early, with a `more` link, so that a reply held in memory
    /// for a client that reads slowly stays small.
    public static let maximumPageBytes = 4 << 20

    /// Creates an unfiltered query.
    public init() {}
}

/// One stored statement: its JSON and when it was stored.
public struct StoredStatement: Sendable {
    /// The stored JSON.
    public let body: [UInt8]
    /// The `stored` time (the same instant the JSON carries).
    public let stored: XAPITimestamp

    /// Creates a stored statement.
    public init(body: [UInt8], stored: XAPITimestamp) {
        self.body = body
        self.stored = stored
    }
}

/// One page of query results: stored bodies, newest (or oldest) first.
public struct StatementPage: Sendable {
    /// The statements' stored JSON.
    public let statements: [[UInt8]]
    /// Where the next page starts, when there may be one.
    public let next: Int64?
    /// The latest `stored` among the statements (nil for an empty page).
    public var lastStored: XAPITimestamp? = nil

    /// Creates a page.
    public init(statements: [[UInt8]], next: Int64?, lastStored: XAPITimestamp? = nil) {
        self.statements = statements
        self.next = next
        self.lastStored = lastStored
    }

    /// An empty page.
    public static let empty = StatementPage(statements: [], next: nil)
}
