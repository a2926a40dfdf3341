/// Who a statement is about, who instructs, who vouches: an Agent or a Group.
public enum Actor: Sendable {
    /// A person or system.
    case agent(Agent)
    /// A collection of agents.
    case group(Group)

    /// The actor's identifier, if it has one (anonymous groups do not).
    public var identifier: InverseFunctionalIdentifier? {
        switch self {
        case .agent(let agent): agent.identifier
        case .group(let group): group.identifier
        }
    }
}

/// One of the four ways xAPI identifies a person or group.
public enum InverseFunctionalIdentifier: Hashable, Sendable {
    /// `mailto:` IRI.
    case mbox(String)
    /// Hex SHA-1 of a `mailto:` IRI.
    case mboxSHA1Sum(String)
    /// OpenID URI.
    case openID(String)
    /// An account on a system.
    case account(homePage: String, name: String)
}

/// An individual: identified by exactly one inverse functional identifier.
public struct Agent: Sendable {
    /// Full name.
    public var name: String?
    /// The identifier.
    public var identifier: InverseFunctionalIdentifier
    /// Whether the JSON said `"objectType": "Agent"` (kept so that it is returned as sent).
    public var declaresObjectType: Bool

    /// Creates an agent.
    public init(name: String? = nil, identifier: InverseFunctionalIdentifier, declaresObjectType: Bool = true) {
        self.name = name
        self.identifier = identifier
        self.declaresObjectType = declaresObjectType
    }
}

/// A group: identified (one IFI, members optional) or anonymous (no IFI, members required).
public struct Group: Sendable {
    /// Name of the group.
    public var name: String?
    /// The identifier of an identified group.
    public var identifier: InverseFunctionalIdentifier?
    /// The members (an unordered list of agents).
    public var members: [Agent]?

    /// Creates a group.
    public init(name: String? = nil, identifier: InverseFunctionalIdentifier? = nil, members: [Agent]? = nil) {
        self.name = name
        self.identifier = identifier
        self.members = members
    }

    /// True for a group without an identifier.
    public var isAnonymous: Bool { identifier == nil }
}

/// An activity: a thing an actor interacts with, identified by an IRI.
public struct Activity: Sendable {
    /// The activity IRI.
    public var id: String
    /// Metadata; not part of the statement's meaning (the LRS keeps a canonical one).
    public var definition: ActivityDefinition?
    /// Whether the JSON said `"objectType": "Activity"`.
    public var declaresObjectType: Bool

    /// Creates an activity.
    public init(id: String, definition: ActivityDefinition? = nil, declaresObjectType: Bool = false) {
        self.id = id
        self.definition = definition
        self.declaresObjectType = declaresObjectType
    }
}

/// Metadata describing an activity, including cmi.interaction details.
public struct ActivityDefinition: Sendable {
    /// Human-readable name.
    public var name: LanguageMap?
    /// Human-readable description.
    public var description: LanguageMap?
    /// Activity type IRI.
    public var type: String?
    /// Where to read more (IRL).
    public var moreInfo: String?
    /// The interaction type of an interaction activity.
    public var interactionType: InteractionType?
    /// Patterns of correct responses.
    public var correctResponsesPattern: [String]?
    /// Choices (choice, sequencing).
    public var choices: [InteractionComponent]?
    /// Scale (likert).
    public var scale: [InteractionComponent]?
    /// Sources (matching).
    public var source: [InteractionComponent]?
    /// Targets (matching).
    public var target: [InteractionComponent]?
    /// Steps (performance).
    public var steps: [InteractionComponent]?
    /// Definition extensions.
    public var extensions: Extensions?

    /// Creates a definition.
    public init(
        name: LanguageMap? = nil, description: LanguageMap? = nil, type: String? = nil, moreInfo: String? = nil,
        interactionType: InteractionType? = nil, correctResponsesPattern: [String]? = nil,
        choices: [InteractionComponent]? = nil, scale: [InteractionComponent]? = nil,
        source: [InteractionComponent]? = nil, target: [InteractionComponent]? = nil,
        steps: [InteractionComponent]? = nil, extensions: Extensions? = nil
    ) {
        self.name = name
        self.description = description
        self.type = type
        self.moreInfo = moreInfo
        self.interactionType = interactionType
        self.correctResponsesPattern = correctResponsesPattern
        self.choices = choices
        self.scale = scale
        self.source = source
        self.target = target
        self.steps = steps
        self.extensions = extensions
    }
}

/// The cmi.interaction types.
public enum InteractionType: String, Sendable, CaseIterable {
    case trueFalse = "true-false"
    case choice
    case fillIn = "fill-in"
    case longFillIn = "long-fill-in"
    case matching
    case performance
    case sequencing
    case likert
    case numeric
    case other

    /// The component lists this interaction type may carry.
    public var componentLists: Set<InteractionComponentList> {
        switch self {
        case .choice, .sequencing: [.choices]
        case .likert: [.scale]
        case .matching: [.source, .target]
        case .performance: [.steps]
        case .trueFalse, .fillIn, .longFillIn, .numeric, .other: []
        }
    }
}

/// The names of the interaction component lists of an activity definition.
public enum InteractionComponentList: String, Sendable, CaseIterable {
    case choices, scale, source, target, steps

    /// The property name, for error paths.
    var key: StaticString {
        switch self {
        case .choices: "choices"
        case .scale: "scale"
        case .source: "source"
        case .target: "target"
        case .steps: "steps"
        }
    }
}

/// One choice, scale point, source, target or step of an interaction.
public struct InteractionComponent: Sendable {
    /// Identifier, unique within its list.
    public var id: String
    /// Human-readable description.
    public var description: LanguageMap?

    /// Creates a component.
    public init(id: String, description: LanguageMap? = nil) {
        self.id = id
        self.description = description
    }
}

extension InverseFunctionalIdentifier {
    /// A key naming the agent exactly (the store interns agents by it; analytics match people
    /// by it): the kind, a unit separator, the value exactly as
    /// written (accounts: home page, separator, name).
    public var storageKey: String {
        let separator = "\u{1F}"
        switch self {
        case .mbox(let value): return "mbox" + separator + value
        case .mboxSHA1Sum(let value): return "mbox_sha1sum" + separator + value
        case .openID(let value): return "openid" + separator + value
        case .account(let homePage, let name): return "account" + separator + homePage + separator + name
        }
    }

    /// The identifier a `storageKey` names.
    public init?(storageKey: String) {
        let parts = storageKey.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("mbox", 2): self = .mbox(parts[1])
        case ("mbox_sha1sum", 2): self = .mboxSHA1Sum(parts[1])
        case ("openid", 2): self = .openID(parts[1])
        case ("account", 3): self = .account(homePage: parts[1], name: parts[2])
        default: return nil
        }
    }
}
