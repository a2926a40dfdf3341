/// How a statement is written out (the Statement resource's `format` parameter, plus the form
/// used to compare statements).
public enum StatementFormat: Sendable, Equatable {
    /// Everything as stored.
    case exact
    /// Agents, groups, verbs and activities reduced to what identifies them.
    case ids
    /// Language maps of verbs and activities reduced to the best match for the given
    /// preferred language tags (in preference order, as from Accept-Language).
    case canonical(languages: [String])
}

extension Statement {
    /// The stored form: compact JSON, properties in a fixed order, contextActivities as arrays.
    public func canonicalJSON() -> [UInt8] { encoded(format: .exact) }

    /// The stored form, and where the value of `stored` sits in it (the 24 bytes inside the
    /// quotes), so that a writer can fill in the storage time without encoding again.
    public func canonicalJSONWithStoredRange() -> (bytes: [UInt8], stored: Range<Int>?) {
        var encoder = StatementEncoder(format: .exact, comparing: false)
        encoder.statement(self)
        return (encoder.writer.bytes, encoder.storedRange)
    }

    /// The statement written in `format`.
    public func encoded(format: StatementFormat) -> [UInt8] {
        var encoder = StatementEncoder(format: format, comparing: false)
        encoder.statement(self)
        return encoder.writer.bytes
    }

    /// The bytes two statements share exactly when they are equivalent under the xAPI
    /// comparison rules: LRS-assigned properties (id, stored, authority, version, timestamp),
    /// verb displays, activity definitions and attachments are left out; group members and
    /// extension keys are ordered; numbers, durations (to 0.01 s), time points and e-mail
    /// domains are normalised.
    public func comparisonForm() -> [UInt8] {
        var encoder = StatementEncoder(format: .ids, comparing: true)
        encoder.statement(self)
        return encoder.writer.bytes
    }

    /// True when `other` says the same thing, so that receiving it again under the same id is
    /// a no-op rather than a conflict.
    public func isEquivalent(to other: Statement) -> Bool {
        comparisonForm() == other.comparisonForm()
    }
}

/// Writes the model as JSON.
struct StatementEncoder {
    let format: StatementFormat
    /// Writing the comparison form (see `Statement.comparisonForm`).
    let comparing: Bool
    var writer = JSONWriter(capacity: 1536)
    /// Where the top-level `stored` value was written (inside its quotes).
    private(set) var storedRange: Range<Int>?

    init(format: StatementFormat, comparing: Bool) {
        self.format = format
        self.comparing = comparing
    }

    private var idsOnly: Bool { format == .ids }

    mutating func statement(_ statement: Statement) {
        writer.beginObject()
        if !comparing, let id = statement.id {
            writer.key("id")
            writer.string(id.description)
        }
        body(actor: statement.actor, verb: statement.verb, object: statement.object, result: statement.result,
             context: statement.context)
        if !comparing {
            optionalKey("timestamp", statement.timestamp) { $0.writer.string($1.text) }
            optionalKey("stored", statement.stored) { encoder, stored in
                let start = encoder.writer.bytes.count + 1
                encoder.writer.string(stored.text)
                encoder.storedRange = start..<(encoder.writer.bytes.count - 1)
            }
            optionalKey("authority", statement.authority) { $0.actor($1) }
            optionalKey("version", statement.version) { $0.writer.string($1) }
            optionalKey("attachments", statement.attachments) { encoder, list in
                encoder.array(list) { $0.attachment($1) }
            }
        }
        writer.endObject()
    }

    private mutating func body(
        actor: Actor, verb: Verb, object: StatementObject, result: XAPIResult?, context: Context?
    ) {
        writer.key("actor")
        self.actor(actor)
        writer.key("verb")
        self.verb(verb)
        writer.key("object")
        statementObject(object)
        optionalKey("result", result) { $0.result($1) }
        optionalKey("context", context) { $0.context($1) }
    }

    private mutating func optionalKey<T>(_ key: String, _ value: T?, _ write: (inout StatementEncoder, T) -> Void) {
        guard let value else { return }
        writer.key(key)
        write(&self, value)
    }

    private mutating func array<T>(_ items: [T], _ write: (inout StatementEncoder, T) -> Void) {
        writer.beginArray()
        for item in items { write(&self, item) }
        writer.endArray()
    }

    // MARK: Actors

    mutating func actor(_ actor: Actor) {
        switch actor {
        case .agent(let agent): self.agent(agent)
        case .group(let group): self.group(group)
        }
    }

    mutating func agent(_ agent: Agent) {
        writer.beginObject()
        if agent.declaresObjectType && !comparing {
            writer.key("objectType")
            writer.string("Agent")
        }
        if let name = agent.name, !idsOnly || comparing {
            writer.key("name")
            writer.string(name)
        }
        identifier(agent.identifier)
        writer.endObject()
    }

    mutating func group(_ group: Group) {
        writer.beginObject()
        writer.key("objectType")
        writer.string("Group")
        if let name = group.name, !idsOnly || comparing {
            writer.key("name")
            writer.string(name)
        }
        if let identifier = group.identifier { self.identifier(identifier) }
        if let members = group.members, !idsOnly || group.isAnonymous || comparing {
            writer.key("member")
            if comparing {
                let encoded = members.map { member -> [UInt8] in
                    var encoder = StatementEncoder(format: format, comparing: true)
                    encoder.agent(member)
                    return encoder.writer.bytes
                }
                writer.beginArray()
                for bytes in encoded.sorted(by: { $0.lexicographicallyPrecedes($1) }) { writer.rawValue(bytes) }
                writer.endArray()
            } else {
                array(members) { $0.agent($1) }
            }
        }
        writer.endObject()
    }

    mutating func identifier(_ identifier: InverseFunctionalIdentifier) {
        switch identifier {
        case .mbox(let mbox) where comparing: writer.identifier(.mbox(Self.lowercasingDomain(mbox)))
        case .mboxSHA1Sum(let sum) where comparing: writer.identifier(.mboxSHA1Sum(sum.lowercased()))
        default: writer.identifier(identifier)
        }
    }

    /// `mailto:Ann@Example.COM` becomes `mailto:Ann@example.com`: domains are case-insensitive.
    static func lowercasingDomain(_ mbox: String) -> String {
        guard let at = mbox.lastIndex(of: "@") else { return mbox }
        return String(mbox[...at]) + mbox[mbox.index(after: at)...].lowercased()
    }

    // MARK: Verb, object, activity

    mutating func verb(_ verb: Verb) {
        writer.beginObject()
        writer.key("id")
        writer.string(verb.id)
        if let display = verb.display, !idsOnly {
            writer.key("display")
            languageMap(display, filtered: true)
        }
        writer.endObject()
    }

    mutating func statementObject(_ object: StatementObject) {
        switch object {
        case .activity(let activity): self.activity(activity)
        case .agent(let agent):
            var declared = agent
            declared.declaresObjectType = true
            self.agent(declared)
        case .group(let group): self.group(group)
        case .statementRef(let id): statementReference(id)
        case .subStatement(let sub):
            writer.beginObject()
            writer.key("objectType")
            writer.string("SubStatement")
            body(actor: sub.actor, verb: sub.verb, object: sub.object, result: sub.result, context: sub.context)
            optionalKey("timestamp", sub.timestamp) { encoder, timestamp in
                encoder.writer.string(encoder.comparing ? "\(timestamp.seconds).\(timestamp.nanoseconds)" : timestamp.text)
            }
            if !comparing {
                optionalKey("attachments", sub.attachments) { encoder, list in encoder.array(list) { $0.attachment($1) } }
            }
            writer.endObject()
        }
    }

    mutating func statementReference(_ id: XAPIUUID) {
        writer.beginObject()
        writer.key("objectType")
        writer.string("StatementRef")
        writer.key("id")
        writer.string(id.description)
        writer.endObject()
    }

    mutating func activity(_ activity: Activity) {
        writer.beginObject()
        // The ids format keeps only what identifies the Activity: its id.
        if activity.declaresObjectType && !idsOnly && !comparing {
            writer.key("objectType")
            writer.string("Activity")
        }
        writer.key("id")
        writer.string(activity.id)
        if let definition = activity.definition, !idsOnly {
            writer.key("definition")
            activityDefinition(definition)
        }
        writer.endObject()
    }

    mutating func activityDefinition(_ definition: ActivityDefinition) {
        writer.beginObject()
        optionalKey("name", definition.name) { $0.languageMap($1, filtered: true) }
        optionalKey("description", definition.description) { $0.languageMap($1, filtered: true) }
        optionalKey("type", definition.type) { $0.writer.string($1) }
        optionalKey("moreInfo", definition.moreInfo) { $0.writer.string($1) }
        optionalKey("interactionType", definition.interactionType) { $0.writer.string($1.rawValue) }
        optionalKey("correctResponsesPattern", definition.correctResponsesPattern) { encoder, patterns in
            encoder.array(patterns) { $0.writer.string($1) }
        }
        let lists: [(String, [InteractionComponent]?)] = [
            ("choices", definition.choices), ("scale", definition.scale), ("source", definition.source),
            ("target", definition.target), ("steps", definition.steps),
        ]
        for (key, components) in lists {
            optionalKey(key, components) { encoder, components in
                encoder.array(components) { encoder, component in
                    encoder.writer.beginObject()
                    encoder.writer.key("id")
                    encoder.writer.string(component.id)
                    encoder.optionalKey("description", component.description) { $0.languageMap($1, filtered: true) }
                    encoder.writer.endObject()
                }
            }
        }
        optionalKey("extensions", definition.extensions) { $0.extensions($1) }
        writer.endObject()
    }

    // MARK: Result, context, attachments

    mutating func result(_ result: XAPIResult) {
        writer.beginObject()
        optionalKey("score", result.score) { encoder, score in
            encoder.writer.beginObject()
            let parts: [(String, JSONNumber?)] = [
                ("scaled", score.scaled), ("raw", score.raw), ("min", score.min), ("max", score.max),
            ]
            for (key, number) in parts { encoder.optionalKey(key, number) { $0.number($1) } }
            encoder.writer.endObject()
        }
        optionalKey("success", result.success) { $0.writer.bool($1) }
        optionalKey("completion", result.completion) { $0.writer.bool($1) }
        optionalKey("response", result.response) { $0.writer.string($1) }
        optionalKey("duration", result.duration) { encoder, duration in
            encoder.writer.string(encoder.comparing ? XAPIDuration.truncatedToHundredths(duration) ?? duration : duration)
        }
        optionalKey("extensions", result.extensions) { $0.extensions($1) }
        writer.endObject()
    }

    mutating func context(_ context: Context) {
        writer.beginObject()
        optionalKey("registration", context.registration) { $0.writer.string($1.description) }
        optionalKey("instructor", context.instructor) { $0.actor($1) }
        optionalKey("team", context.team) { $0.group($1) }
        optionalKey("contextActivities", context.contextActivities) { encoder, activities in
            encoder.writer.beginObject()
            let lists: [(String, [Activity]?)] = [
                ("parent", activities.parent), ("grouping", activities.grouping),
                ("category", activities.category), ("other", activities.other),
            ]
            for (key, list) in lists {
                encoder.optionalKey(key, list) { encoder, list in encoder.array(list) { $0.activity($1) } }
            }
            encoder.writer.endObject()
        }
        optionalKey("revision", context.revision) { $0.writer.string($1) }
        optionalKey("platform", context.platform) { $0.writer.string($1) }
        optionalKey("language", context.language) { $0.writer.string($1) }
        optionalKey("statement", context.statement) { $0.statementReference($1) }
        optionalKey("extensions", context.extensions) { $0.extensions($1) }
        optionalKey("contextAgents", context.contextAgents) { encoder, entries in
            encoder.array(entries) { encoder, entry in
                encoder.contextMember(type: "contextAgent", actorKey: "agent", relevantTypes: entry.relevantTypes) {
                    $0.agent(entry.agent)
                }
            }
        }
        optionalKey("contextGroups", context.contextGroups) { encoder, entries in
            encoder.array(entries) { encoder, entry in
                encoder.contextMember(type: "contextGroup", actorKey: "group", relevantTypes: entry.relevantTypes) {
                    $0.group(entry.group)
                }
            }
        }
        writer.endObject()
    }

    private mutating func contextMember(
        type: String, actorKey: String, relevantTypes: [String]?, actor: (inout StatementEncoder) -> Void
    ) {
        writer.beginObject()
        writer.key("objectType")
        writer.string(type)
        writer.key(actorKey)
        actor(&self)
        optionalKey("relevantTypes", relevantTypes) { encoder, types in encoder.array(types) { $0.writer.string($1) } }
        writer.endObject()
    }

    mutating func attachment(_ attachment: Attachment) {
        writer.beginObject()
        writer.key("usageType")
        writer.string(attachment.usageType)
        writer.key("display")
        languageMap(attachment.display, filtered: false)
        optionalKey("description", attachment.description) { $0.languageMap($1, filtered: false) }
        writer.key("contentType")
        writer.string(attachment.contentType)
        writer.key("length")
        writer.number(String(attachment.length))
        writer.key("sha2")
        writer.string(attachment.sha2)
        optionalKey("fileUrl", attachment.fileUrl) { $0.writer.string($1) }
        writer.endObject()
    }

    // MARK: Values

    mutating func number(_ number: JSONNumber) {
        writer.number(comparing ? JSONNumber(number.value).literal : number.literal)
    }

    /// Writes a language map; with the canonical format and `filtered`, only the best entry.
    mutating func languageMap(_ map: LanguageMap, filtered: Bool) {
        var entries = map.entries
        if filtered, case .canonical(let languages) = format, let best = LanguageMatcher.bestEntry(map, for: languages) {
            entries = [best]
        }
        writer.beginObject()
        for entry in entries {
            writer.key(entry.tag)
            writer.string(entry.text)
        }
        writer.endObject()
    }

    mutating func extensions(_ extensions: Extensions) {
        writer.beginObject()
        let entries = comparing ? extensions.entries.sorted { $0.key < $1.key } : extensions.entries
        for entry in entries {
            writer.key(entry.key)
            if comparing { normalizedValue(entry.value) } else { writer.value(entry.value) }
        }
        writer.endObject()
    }

    /// Arbitrary JSON with object keys sorted and numbers normalised.
    private mutating func normalizedValue(_ value: JSONValue) {
        switch value.kind {
        case .number: number(JSONNumber(literal: value.numberLiteral!)!)
        case .array:
            writer.beginArray()
            for element in value.elements { normalizedValue(element) }
            writer.endArray()
        case .object:
            writer.beginObject()
            for member in value.members.sorted(by: { $0.key < $1.key }) {
                writer.key(member.key)
                normalizedValue(member.value)
            }
            writer.endObject()
        default: writer.value(value)
        }
    }
}

/// Picks the language-map entry that best fits a client's preferred languages, in time linear
/// in the map's entries plus the preferences (a map of 40,000 tags read with 1,000 preferences
/// must not cost their product).
public enum LanguageMatcher {
    /// The most preferred tags considered (`Accept-Language` may list more; they are ignored).
    public static let maximumPreferences = 32

    /// Maps with more entries than this are indexed before matching instead of scanned.
    private static let scanLimit = 8

    /// The entry for the first preferred tag that matches exactly, or by primary language
    /// (`en` matches `en-US` and the reverse); else the first entry. Nil for an empty map.
    /// Tags compare case-insensitively; only the first `maximumPreferences` preferences count.
    public static func bestEntry(_ map: LanguageMap, for preferred: [String]) -> (tag: String, text: String)? {
        guard let first = map.entries.first else { return nil }
        let wanted = preferred.prefix(maximumPreferences).map { $0.lowercased() }
        guard !wanted.isEmpty else { return first }
        if map.entries.count <= scanLimit {
            for tag in wanted {
                if tag == "*" { break }
                if let exact = map.entries.first(where: { $0.tag.lowercased() == tag }) { return exact }
                if let close = map.entries.first(where: { primarySubtag($0.tag.lowercased()) == primarySubtag(tag) }) { return close }
            }
            return first
        }
        var exact: [String: Int] = [:], primaries: [Substring: Int] = [:]
        for (index, entry) in map.entries.enumerated() {
            let tag = entry.tag.lowercased()
            if exact[tag] == nil { exact[tag] = index }
            let primary = primarySubtag(tag)
            if primaries[primary] == nil { primaries[primary] = index }
        }
        for tag in wanted {
            if tag == "*" { break }
            if let index = exact[tag] ?? primaries[primarySubtag(tag)] { return map.entries[index] }
        }
        return first
    }

    /// The language before the first hyphen (`en` of `en-us`).
    private static func primarySubtag(_ tag: String) -> Substring {
        tag.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(tag)
    }
}

extension JSONWriter {
    /// An agent identifier's member as statements write it, inside an object being written:
    /// `"mbox":"mailto:…"`, `"mbox_sha1sum":"…"`, `"openid":"…"` or
    /// `"account":{"homePage":"…","name":"…"}`.
    public mutating func identifier(_ identifier: InverseFunctionalIdentifier) {
        switch identifier {
        case .mbox(let mbox):
            key("mbox")
            string(mbox)
        case .mboxSHA1Sum(let sum):
            key("mbox_sha1sum")
            string(sum)
        case .openID(let openID):
            key("openid")
            string(openID)
        case .account(let homePage, let name):
            key("account")
            beginObject()
            key("homePage")
            string(homePage)
            key("name")
            string(name)
            endObject()
        }
    }
}

extension ActivityDefinition {
    /// The definition as the stored form writes it (compact JSON, members in a fixed order,
    /// every language kept).
    public func canonicalJSON() -> [UInt8] {
        var encoder = StatementEncoder(format: .exact, comparing: false)
        encoder.activityDefinition(self)
        return encoder.writer.bytes
    }
}

extension Statement {
    /// Every activity the statement carries a definition for — object, context activities,
    /// and the same inside a sub-statement — as (id, definition).
    public var activityDefinitions: [(id: String, definition: ActivityDefinition)] {
        var found: [(id: String, definition: ActivityDefinition)] = []
        func collect(_ object: StatementObject, _ context: Context?) {
            switch object {
            case .activity(let activity): if let definition = activity.definition { found.append((activity.id, definition)) }
            case .subStatement(let sub): collect(sub.object, sub.context)
            case .agent, .group, .statementRef: break
            }
            for activity in context?.contextActivities?.all ?? [] {
                if let definition = activity.definition { found.append((activity.id, definition)) }
            }
        }
        collect(object, context)
        return found
    }
}
