/// Agents, groups and their identifiers.
extension StatementReader {
    /// Which actors a position admits.
    enum ActorRule {
        /// actor, instructor: Agent (objectType optional) or Group.
        case agentOrGroup
        /// statement object: Agent or Group, objectType required.
        case agentOrGroupDeclared
        /// group members, contextAgents: only an Agent.
        case agentOnly
        /// team, contextGroups: only a Group.
        case groupOnly
        /// authority: an Agent, or an anonymous Group of exactly two Agents (3-legged OAuth).
        case authority
    }

    mutating func actor(_ value: JSONCursor, rule: ActorRule) -> Actor? {
        guard object(value) else { return nil }
        let objectType = value.member("objectType")
        var isGroup = false
        if let objectType {
            let accepted: Bool? = at("objectType") { reader in
                guard let type = reader.string(objectType) else { return nil }
                switch (type, rule) {
                case ("Agent", .groupOnly):
                    reader.fail("must be \"Group\"")
                    return nil
                case ("Group", .agentOnly):
                    reader.fail("must be \"Agent\"")
                    return nil
                case ("Agent", _): return true
                case ("Group", _):
                    isGroup = true
                    return true
                default:
                    let allowed = rule == .groupOnly ? "\"Group\"" : rule == .agentOnly ? "\"Agent\"" : "\"Agent\" or \"Group\""
                    reader.fail("must be \(allowed)")
                    return nil
                }
            }
            guard accepted != nil else { return nil }
        } else if rule == .groupOnly {
            missing("objectType")
            return nil
        } else if rule == .agentOrGroupDeclared {
            at("objectType") { (reader: inout StatementReader) -> Void? in
                reader.fail("is required when the object is an Agent or Group")
                return nil
            }
            return nil
        }
        if isGroup {
            return group(value, rule: rule).map(Actor.group)
        }
        return agent(value, declaresObjectType: objectType != nil).map(Actor.agent)
    }

    /// What agents and groups share: a name, identifiers and (groups only) members.
    private struct ActorFields {
        var name: String?
        var identifiers: [InverseFunctionalIdentifier] = []
        var members: [Agent]?
    }

    /// Reads the members of an agent or group object; nil after recording any failure.
    private mutating func actorFields(_ value: JSONCursor, isGroup: Bool) -> ActorFields? {
        var fields = ActorFields()
        let failuresBefore = failures
        for member in value.members {
            switch member.key {
            case "objectType": continue
            case "name":
                fields.name = at("name") { $0.string(member.value) }
            case "member" where isGroup:
                fields.members = at("member") { reader in
                    reader.array(member.value) { reader, element in
                        guard case .agent(let agent)? = reader.actor(element, rule: .agentOnly) else { return nil }
                        return agent
                    }
                }
            default:
                switch identifier(member) {
                case .some(.some(let ifi)): fields.identifiers.append(ifi)
                case .some(.none): continue
                case .none: notAllowed(member.key, in: isGroup ? "a Group" : "an Agent")
                }
            }
        }
        return failures == failuresBefore ? fields : nil
    }

    mutating func agent(_ value: JSONCursor, declaresObjectType: Bool) -> Agent? {
        guard let fields = actorFields(value, isGroup: false) else { return nil }
        guard fields.identifiers.count == 1 else {
            let found = fields.identifiers.isEmpty ? "none" : String(fields.identifiers.count)
            fail("an Agent must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account), found \(found)")
            return nil
        }
        return Agent(name: fields.name, identifier: fields.identifiers[0], declaresObjectType: declaresObjectType)
    }

    mutating func group(_ value: JSONCursor, rule: ActorRule) -> Group? {
        guard let fields = actorFields(value, isGroup: true) else { return nil }
        if fields.identifiers.count > 1 {
            fail("an identified Group must have exactly one inverse functional identifier, found \(fields.identifiers.count)")
            return nil
        }
        if fields.identifiers.isEmpty && (fields.members?.isEmpty ?? true) {
            if fields.members == nil {
                missing("member")
            } else {
                at("member") { (reader: inout StatementReader) -> Void? in
                    reader.fail("an anonymous Group must list at least one member")
                    return nil
                }
            }
            return nil
        }
        if rule == .authority {
            // Only 3-legged OAuth makes a Group the authority: the application and the user,
            // as an anonymous Group of the two.
            guard fields.identifiers.isEmpty else {
                fail("a Group authority must be anonymous (no mbox, mbox_sha1sum, openid or account): only 3-legged OAuth makes a Group the authority")
                return nil
            }
            guard fields.members?.count == 2 else {
                fail("a Group authority must have exactly two Agent members (3-legged OAuth)")
                return nil
            }
        }
        return Group(name: fields.name, identifier: fields.identifiers.first, members: fields.members)
    }

    /// Reads an IFI member. `nil`: not an IFI key; `.some(nil)`: an IFI key with a bad value.
    mutating func identifier(_ member: JSONMember) -> InverseFunctionalIdentifier?? {
        switch member.key {
        case "mbox":
            return .some(at("mbox") { reader in
                guard let text = reader.string(member.value) else { return nil }
                guard Formats.isMailtoIRI(text) else {
                    reader.fail("must be a mailto IRI (mailto:name@example.com), got \"\(text.clipped)\"")
                    return nil
                }
                return .mbox(text)
            })
        case "mbox_sha1sum":
            return .some(at("mbox_sha1sum") { reader in
                guard let text = reader.string(member.value) else { return nil }
                guard Formats.isSHA1Hex(text) else {
                    reader.fail("must be the 40 hex digits of a SHA-1 sum")
                    return nil
                }
                return .mboxSHA1Sum(text)
            })
        case "openid":
            return .some(at("openid") { $0.iri(member.value).map(InverseFunctionalIdentifier.openID) })
        case "account":
            return .some(at("account") { $0.account(member.value) })
        default:
            return nil
        }
    }

    mutating func account(_ value: JSONCursor) -> InverseFunctionalIdentifier? {
        guard object(value) else { return nil }
        var homePage: String?
        var name: String?
        let failuresBefore = failures
        for member in value.members {
            switch member.key {
            case "homePage":
                homePage = at("homePage") { $0.iri(member.value) }
            case "name":
                name = at("name") { $0.identifierText(member.value) }
            default:
                notAllowed(member.key, in: "an account")
            }
        }
        guard failures == failuresBefore else { return nil }
        guard let homePage else {
            missing("homePage")
            return nil
        }
        guard let name else {
            missing("name")
            return nil
        }
        return .account(homePage: homePage, name: name)
    }
}
