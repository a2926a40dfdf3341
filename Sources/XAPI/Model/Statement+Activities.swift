/// Every Activity a statement names — its object, its context activities, and those of a
/// sub-statement — for reading them all or putting other definitions in their place.
extension Statement {
    /// The ids of every Activity in the statement.
    public var activityIDs: Set<String> {
        var ids = Set<String>()
        var statement = self
        statement.updateActivities { ids.insert($0.id) }
        return ids
    }

    /// The statement with each Activity's definition replaced by `definition(id)` where that
    /// gives one (the others keep theirs).
    public func replacingActivityDefinitions(_ definition: (String) -> ActivityDefinition?) -> Statement {
        var statement = self
        statement.updateActivities { activity in
            if let replacement = definition(activity.id) { activity.definition = replacement }
        }
        return statement
    }

    private mutating func updateActivities(_ update: (inout Activity) -> Void) {
        object.updateActivities(update)
        context?.updateActivities(update)
    }
}

extension StatementObject {
    fileprivate mutating func updateActivities(_ update: (inout Activity) -> Void) {
        switch self {
        case .activity(var activity):
            update(&activity)
            self = .activity(activity)
        case .subStatement(var nested):
            nested.object.updateActivities(update)
            nested.context?.updateActivities(update)
            self = .subStatement(nested)
        case .agent, .group, .statementRef:
            break
        }
    }
}

extension Context {
    fileprivate mutating func updateActivities(_ update: (inout Activity) -> Void) {
        guard var activities = contextActivities else { return }
        for list in [\ContextActivities.parent, \.grouping, \.category, \.other] {
            guard var members = activities[keyPath: list] else { continue }
            for index in members.indices { update(&members[index]) }
            activities[keyPath: list] = members
        }
        contextActivities = activities
    }
}
