import XAPI

/// What the store indexes about a statement: the interned keys its queries filter on.
public struct StatementKeys: Sendable {
    /// The actor's identifier key (nil for an anonymous group).
    public var actor: String?
    /// The object's identifier key when the object is an agent or identified group.
    public var objectAgent: String?
    /// The object's IRI when the object is an activity.
    public var objectActivity: String?
    /// The target of a StatementRef object.
    public var objectStatement: XAPIUUID?
    /// The verb IRI.
    public var verb: String
    /// context.registration.
    public var registration: XAPIUUID?
    /// The authority's identifier key.
    public var authority: String?
    /// Every agent the statement mentions (related_agents), actor and object included.
    public var relatedAgents: Set<String>
    /// Every activity the statement mentions (related_activities), object included, with its
    /// role bits in this statement: 1 object, 2 parent, 4 grouping, 8 category (0 for any
    /// other mention, such as `other` or inside a sub-statement).
    public var relatedActivities: [String: Int64]

    /// The keys of `statement`.
    public init(_ statement: Statement) {
        verb = statement.verb.id
        actor = statement.actor.identifier?.storageKey
        authority = statement.authority?.identifier?.storageKey
        registration = statement.context?.registration
        relatedAgents = []
        relatedActivities = [:]
        switch statement.object {
        case .activity(let activity): objectActivity = activity.id
        case .agent(let agent): objectAgent = agent.identifier.storageKey
        case .group(let group): objectAgent = group.identifier?.storageKey
        case .statementRef(let id): objectStatement = id
        case .subStatement: break
        }
        collect(actor: statement.actor, object: statement.object, context: statement.context)
        if let authority = statement.authority { collect(authority) }
        if let object = objectActivity { relatedActivities[object, default: 0] |= 1 }
        let context = statement.context?.contextActivities
        for (activities, role) in [(context?.parent, Int64(2)), (context?.grouping, 4), (context?.category, 8)] {
            for activity in activities ?? [] { relatedActivities[activity.id, default: 0] |= role }
        }
    }

    private mutating func collect(actor: Actor, object: StatementObject, context: Context?) {
        collect(actor)
        switch object {
        case .activity(let activity): relatedActivities[activity.id, default: 0] |= 0
        case .agent(let agent): relatedAgents.insert(agent.identifier.storageKey)
        case .group(let group): collect(.group(group))
        case .statementRef: break
        case .subStatement(let sub): collect(actor: sub.actor, object: sub.object, context: sub.context)
        }
        guard let context else { return }
        if let instructor = context.instructor { collect(instructor) }
        if let team = context.team { collect(.group(team)) }
        for entry in context.contextAgents ?? [] { relatedAgents.insert(entry.agent.identifier.storageKey) }
        for entry in context.contextGroups ?? [] { collect(.group(entry.group)) }
        for activity in context.contextActivities?.all ?? [] { relatedActivities[activity.id, default: 0] |= 0 }
    }

    /// An actor and, for groups, its members.
    private mutating func collect(_ actor: Actor) {
        switch actor {
        case .agent(let agent):
            relatedAgents.insert(agent.identifier.storageKey)
        case .group(let group):
            if let key = group.identifier?.storageKey { relatedAgents.insert(key) }
            for member in group.members ?? [] { relatedAgents.insert(member.identifier.storageKey) }
        }
    }
}
