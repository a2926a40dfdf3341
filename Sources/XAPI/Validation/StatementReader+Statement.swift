/// Statements, sub-statements, objects, verbs, results, contexts and attachments.
extension StatementReader {
    /// The parts a statement and a sub-statement share.
    private struct Parts {
        var actor: Actor?
        var verb: Verb?
        var object: StatementObject?
        var result: XAPIResult?
        var context: Context?
        var timestamp: XAPITimestamp?
        var attachments: [Attachment]?
        var contextValue: JSONCursor?
        /// The reader's failure count when reading began.
        let failuresBefore: Int
    }

    /// Reads a member both statements and sub-statements have; false if `key` is not one.
    private mutating func readCommon(_ member: JSONMember, into parts: inout Parts, nested: Bool) -> Bool {
        let value = member.value
        switch member.key {
        case "actor":
            parts.actor = at("actor") { $0.actor(value, rule: .agentOrGroup) }
        case "verb":
            parts.verb = at("verb") { $0.verb(value) }
        case "object":
            parts.object = at("object") { $0.statementObject(value, nested: nested) }
        case "result":
            parts.result = at("result") { $0.result(value) }
        case "context":
            // Read after the object, whose kind decides whether revision and platform are allowed.
            parts.contextValue = value
        case "timestamp":
            parts.timestamp = at("timestamp") { $0.timestamp(value) }
        case "attachments":
            parts.attachments = at("attachments") { reader in
                reader.array(value) { reader, element in reader.attachment(element) }
            }
        default:
            return false
        }
        return true
    }

    /// Checks required parts and the rules that relate them; reads the context.
    private mutating func finish(_ parts: inout Parts) -> (Actor, Verb, StatementObject)? {
        if let contextValue = parts.contextValue {
            let objectIsActivity: Bool
            if case .activity? = parts.object { objectIsActivity = true } else { objectIsActivity = parts.object == nil }
            parts.context = at("context") { $0.context(contextValue, objectIsActivity: objectIsActivity) }
        }
        let clean = failures == parts.failuresBefore
        if clean && parts.actor == nil { missing("actor") }
        if clean && parts.verb == nil { missing("verb") }
        if clean && parts.object == nil { missing("object") }
        guard failures == parts.failuresBefore, let actor = parts.actor.take(), let verb = parts.verb.take(),
            let object = parts.object.take()
        else { return nil }
        if verb.id == Statement.voidedVerbID {
            guard case .statementRef = object else {
                at("object") { (reader: inout StatementReader) -> Void? in
                    reader.fail("must be a StatementRef when the verb is \(Statement.voidedVerbID)")
                    return nil
                }
                return nil
            }
        }
        return (actor, verb, object)
    }

    mutating func statement(_ value: JSONCursor) -> Statement? {
        guard object(value) else { return nil }
        var parts = Parts(failuresBefore: failures)
        var id: XAPIUUID?
        var stored: XAPITimestamp?
        var authority: Actor?
        var version: String?
        for member in value.members {
            if readCommon(member, into: &parts, nested: false) { continue }
            let item = member.value
            switch member.key {
            case "id":
                id = at("id") { $0.uuid(item) }
            case "stored":
                stored = at("stored") { $0.timestamp(item) }
            case "authority":
                authority = at("authority") { $0.actor(item, rule: .authority) }
            case "version":
                version = at("version") { reader in
                    guard let text = reader.string(item) else { return nil }
                    guard reader.version.acceptsStatementVersion(text) else {
                        let allowed = reader.version == .v2_0_0 ? "1.0.x or 2.0.x" : "1.0.x"
                        reader.fail("must be \(allowed), got \"\(text.clipped)\"")
                        return nil
                    }
                    return text
                }
            default:
                notAllowed(member.key, in: "a Statement")
            }
        }
        guard let (actor, verb, object) = finish(&parts) else { return nil }
        return Statement(
            id: id, actor: actor, verb: verb, object: object, result: parts.result.take(),
            context: parts.context.take(), timestamp: parts.timestamp, stored: stored, authority: authority,
            version: version, attachments: parts.attachments.take())
    }

    mutating func subStatement(_ value: JSONCursor) -> SubStatement? {
        var parts = Parts(failuresBefore: failures)
        for member in value.members {
            if "objectType" ~= member.key || readCommon(member, into: &parts, nested: true) { continue }
            let topLevelOnly = ["id", "stored", "version", "authority"].contains(member.key.string)
            notAllowed(member.key, in: "a SubStatement", note: topLevelOnly ? " (only a top-level Statement has it)" : "")
        }
        guard let (actor, verb, object) = finish(&parts) else { return nil }
        return SubStatement(
            actor: actor, verb: verb, object: object, result: parts.result.take(), context: parts.context.take(),
            timestamp: parts.timestamp, attachments: parts.attachments.take())
    }

    mutating func statementObject(_ value: JSONCursor, nested: Bool) -> StatementObject? {
        guard object(value) else { return nil }
        guard let typeValue = value.member("objectType") else { return activity(value).map(StatementObject.activity) }
        guard let type = at("objectType", { $0.string(typeValue) }) else { return nil }
        switch type {
        case "Activity": return activity(value).map(StatementObject.activity)
        case "Agent", "Group":
            return actor(value, rule: .agentOrGroupDeclared).map { actor in
                switch actor {
                case .agent(let agent): .agent(agent)
                case .group(let group): .group(group)
                }
            }
        case "StatementRef": return statementReference(value).map(StatementObject.statementRef)
        case "SubStatement":
            guard !nested else {
                at("objectType") { (reader: inout StatementReader) -> Void? in
                    reader.fail("a SubStatement must not contain another SubStatement")
                    return nil
                }
                return nil
            }
            return subStatement(value).map(StatementObject.subStatement)
        default:
            at("objectType") { (reader: inout StatementReader) -> Void? in
                reader.fail("must be one of Activity, Agent, Group, StatementRef, SubStatement, got \"\(type.clipped)\"")
                return nil
            }
            return nil
        }
    }

    /// A `{"objectType": "StatementRef", "id": UUID}` object.
    mutating func statementReference(_ value: JSONCursor) -> XAPIUUID? {
        guard object(value) else { return nil }
        var id: XAPIUUID?
        let failuresBefore = failures
        var sawType = false
        for member in value.members {
            switch member.key {
            case "objectType":
                sawType = true
                _ = objectType(member.value, is: "StatementRef")
            case "id":
                id = at("id") { $0.uuid(member.value) }
            default:
                notAllowed(member.key, in: "a StatementRef")
            }
        }
        guard failures == failuresBefore else { return nil }
        guard sawType else {
            missing("objectType")
            return nil
        }
        guard let id else {
            missing("id")
            return nil
        }
        return id
    }

    mutating func verb(_ value: JSONCursor) -> Verb? {
        guard object(value) else { return nil }
        var id: String?
        var display: LanguageMap?
        let failuresBefore = failures
        for member in value.members {
            switch member.key {
            case "id":
                id = at("id") { $0.iri(member.value) }
            case "display":
                display = at("display") { $0.languageMap(member.value) }
            default:
                notAllowed(member.key, in: "a Verb")
            }
        }
        guard failures == failuresBefore else { return nil }
        guard let id else {
            missing("id")
            return nil
        }
        return Verb(id: id, display: display)
    }

    mutating func result(_ value: JSONCursor) -> XAPIResult? {
        guard object(value) else { return nil }
        var result = XAPIResult()
        let failuresBefore = failures
        for member in value.members {
            let item = member.value
            switch member.key {
            case "score":
                result.score = at("score") { $0.score(item) }
            case "success":
                result.success = at("success") { $0.bool(item) }
            case "completion":
                result.completion = at("completion") { $0.bool(item) }
            case "response":
                result.response = at("response") { $0.string(item) }
            case "duration":
                result.duration = at("duration") { reader in
                    guard let text = reader.string(item) else { return nil }
                    guard XAPIDuration.isValid(text) else {
                        reader.fail("must be an ISO 8601 duration such as PT1H30M or P2DT4.5S, got \"\(text.clipped)\"")
                        return nil
                    }
                    return text
                }
            case "extensions":
                result.extensions = at("extensions") { $0.extensions(item) }
            default:
                notAllowed(member.key, in: "a Result")
            }
        }
        return failures > failuresBefore ? nil : result
    }

    mutating func score(_ value: JSONCursor) -> Score? {
        guard object(value) else { return nil }
        var score = Score()
        let failuresBefore = failures
        for member in value.members {
            let item = member.value
            switch member.key {
            case "scaled":
                score.scaled = at("scaled") { reader in
                    guard let number = reader.number(item) else { return nil }
                    guard (-1.0...1.0).contains(number.value) else {
                        reader.fail("must be between -1 and 1, got \(number.literal)")
                        return nil
                    }
                    return number
                }
            case "raw":
                score.raw = at("raw") { $0.number(item) }
            case "min":
                score.min = at("min") { $0.number(item) }
            case "max":
                score.max = at("max") { $0.number(item) }
            default:
                notAllowed(member.key, in: "a Score")
            }
        }
        guard failures == failuresBefore else { return nil }
        if let min = score.min, let max = score.max, !(min.value < max.value) {
            at("max") { (reader: inout StatementReader) -> Void? in
                reader.fail("must be greater than min (\(min.literal)), got \(max.literal)")
                return nil
            }
            return nil
        }
        if let raw = score.raw {
            if let min = score.min, raw.value < min.value {
                at("raw") { (reader: inout StatementReader) -> Void? in
                    reader.fail("must not be less than min (\(min.literal)), got \(raw.literal)")
                    return nil
                }
                return nil
            }
            if let max = score.max, raw.value > max.value {
                at("raw") { (reader: inout StatementReader) -> Void? in
                    reader.fail("must not be greater than max (\(max.literal)), got \(raw.literal)")
                    return nil
                }
                return nil
            }
        }
        return score
    }

    mutating func context(_ value: JSONCursor, objectIsActivity: Bool) -> Context? {
        guard object(value) else { return nil }
        var context = Context()
        let failuresBefore = failures
        for member in value.members {
            let item = member.value
            switch member.key {
            case "registration": context.registration = at("registration") { $0.uuid(item) }
            case "instructor": context.instructor = at("instructor") { $0.actor(item, rule: .agentOrGroup) }
            case "team":
                context.team = at("team") { reader in
                    guard case .group(let group)? = reader.actor(item, rule: .groupOnly) else { return nil }
                    return group
                }
            case "contextActivities":
                context.contextActivities = at("contextActivities") { $0.contextActivities(item) }
            case "revision", "platform":
                let text: String? = at(dynamic: member.key) { reader in
                    guard let text = reader.string(item) else { return nil }
                    guard objectIsActivity else {
                        reader.fail("is only allowed when the statement's object is an Activity")
                        return nil
                    }
                    return text
                }
                if "revision" ~= member.key { context.revision = text } else { context.platform = text }
            case "language":
                context.language = at("language") { reader in
                    guard let text = reader.string(item) else { return nil }
                    guard LanguageTag.isValid(text) else {
                        reader.fail("must be an RFC 5646 language tag, got \"\(text.clipped)\"")
                        return nil
                    }
                    return text
                }
            case "statement": context.statement = at("statement") { $0.statementReference(item) }
            case "extensions": context.extensions = at("extensions") { $0.extensions(item) }
            case "contextAgents" where version == .v2_0_0:
                context.contextAgents = at("contextAgents") { reader in
                    reader.array(item) { reader, element in reader.contextAgent(element) }
                }
            case "contextGroups" where version == .v2_0_0:
                context.contextGroups = at("contextGroups") { reader in
                    reader.array(item) { reader, element in reader.contextGroup(element) }
                }
            case "contextAgents", "contextGroups":
                notAllowed(member.key, in: "a Context", note: " before xAPI 2.0")
            default:
                notAllowed(member.key, in: "a Context")
            }
        }
        return failures > failuresBefore ? nil : context
    }

    mutating func contextActivities(_ value: JSONCursor) -> ContextActivities? {
        guard object(value) else { return nil }
        var activities = ContextActivities()
        let failuresBefore = failures
        for member in value.members {
            let item = member.value
            let list: [Activity]?
            switch member.key {
            case "parent":
                list = at("parent") { $0.activityList(item) }
                activities.parent = list
            case "grouping":
                list = at("grouping") { $0.activityList(item) }
                activities.grouping = list
            case "category":
                list = at("category") { $0.activityList(item) }
                activities.category = list
            case "other":
                list = at("other") { $0.activityList(item) }
                activities.other = list
            default:
                list = at(dynamic: member.key) { reader in
                    reader.fail("is not allowed in contextActivities (parent, grouping, category, other)")
                    return nil
                }
            }
        }
        return failures > failuresBefore ? nil : activities
    }

    /// One activity or an array of them; always an array once read.
    private mutating func activityList(_ value: JSONCursor) -> [Activity]? {
        if value.kind == .object { return activity(value).map { [$0] } }
        return array(value) { reader, element in reader.activity(element) }
    }

    mutating func contextAgent(_ value: JSONCursor) -> ContextAgent? {
        guard let (actor, relevantTypes) = contextMember(
            value, objectType: "contextAgent", actorKey: "agent", rule: .agentOnly),
            case .agent(let agent) = actor
        else { return nil }
        return ContextAgent(agent: agent, relevantTypes: relevantTypes)
    }

    mutating func contextGroup(_ value: JSONCursor) -> ContextGroup? {
        guard let (actor, relevantTypes) = contextMember(
            value, objectType: "contextGroup", actorKey: "group", rule: .groupOnly),
            case .group(let group) = actor
        else { return nil }
        return ContextGroup(group: group, relevantTypes: relevantTypes)
    }

    /// A `contextAgent` or `contextGroup` object: objectType, the actor, optional relevantTypes.
    private mutating func contextMember(
        _ value: JSONCursor, objectType: String, actorKey: StaticString, rule: ActorRule
    ) -> (Actor, [String]?)? {
        guard object(value) else { return nil }
        var actor: Actor?
        var relevantTypes: [String]?
        var sawType = false
        let failuresBefore = failures
        for member in value.members {
            let item = member.value
            switch member.key {
            case "objectType":
                sawType = true
                _ = self.objectType(item, is: objectType)
            case _ where actorKey ~= member.key:
                actor = at(actorKey) { $0.actor(item, rule: rule) }
            case "relevantTypes":
                relevantTypes = at("relevantTypes") { reader in
                    reader.array(item, nonEmpty: true) { reader, element in reader.iri(element) }
                }
            default:
                notAllowed(member.key, in: "a \(objectType)")
            }
        }
        guard failures == failuresBefore else { return nil }
        guard sawType else {
            missing("objectType")
            return nil
        }
        guard let actor else {
            missing(actorKey)
            return nil
        }
        return (actor, relevantTypes)
    }

    mutating func attachment(_ value: JSONCursor) -> Attachment? {
        guard object(value) else { return nil }
        var usageType: String?
        var display: LanguageMap?
        var description: LanguageMap?
        var contentType: String?
        var length: Int64?
        var sha2: String?
        var fileUrl: String?
        let failuresBefore = failures
        for member in value.members {
            let item = member.value
            switch member.key {
            case "usageType": usageType = at("usageType") { $0.iri(item) }
            case "display": display = at("display") { $0.languageMap(item) }
            case "description": description = at("description") { $0.languageMap(item) }
            case "contentType":
                contentType = at("contentType") { reader in
                    guard let text = reader.string(item) else { return nil }
                    guard Formats.isMediaType(text) else {
                        reader.fail("must be an Internet media type such as application/pdf, got \"\(text.clipped)\"")
                        return nil
                    }
                    return text
                }
            case "length":
                length = at("length") { reader in
                    guard let number = reader.number(item) else { return nil }
                    guard number.value >= 0, number.value == number.value.rounded(), number.value < 9.0e15 else {
                        reader.fail("must be a non-negative integer, got \(number.literal)")
                        return nil
                    }
                    return Int64(number.value)
                }
            case "sha2":
                sha2 = at("sha2") { reader in
                    guard let text = reader.string(item) else { return nil }
                    guard Formats.isSHA2Hex(text) else {
                        reader.fail("must be the hex form of a SHA-2 hash (56, 64, 96 or 128 hex digits)")
                        return nil
                    }
                    return text
                }
            case "fileUrl": fileUrl = at("fileUrl") { $0.iri(item) }
            default:
                notAllowed(member.key, in: "an Attachment")
            }
        }
        guard failures == failuresBefore else { return nil }
        guard let usageType else { missing("usageType"); return nil }
        guard let display else { missing("display"); return nil }
        guard let contentType else { missing("contentType"); return nil }
        guard let length else { missing("length"); return nil }
        guard let sha2 else { missing("sha2"); return nil }
        return Attachment(
            usageType: usageType, display: display, description: description, contentType: contentType,
            length: length, sha2: sha2, fileUrl: fileUrl)
    }
}
