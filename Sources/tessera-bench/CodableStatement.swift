/// The statement model as plain Codable structs: what a Foundation-based LRS would decode
/// into. Used only as the benchmark's point of comparison.
struct CodableStatement: Codable {
    struct Agent: Codable {
        var objectType: String?
        var name: String?
        var mbox: String?
        var mbox_sha1sum: String?
        var openid: String?
        var account: Account?
        var member: [Agent]?
    }

    struct Account: Codable {
        var homePage: String
        var name: String
    }

    struct Verb: Codable {
        var id: String
        var display: [String: String]?
    }

    struct Definition: Codable {
        var name: [String: String]?
        var description: [String: String]?
        var type: String?
        var moreInfo: String?
        var interactionType: String?
        var correctResponsesPattern: [String]?
        var extensions: [String: AnyJSON]?
    }

    struct Activity: Codable {
        var objectType: String?
        var id: String
        var definition: Definition?
    }

    struct Score: Codable {
        var scaled: Double?
        var raw: Double?
        var min: Double?
        var max: Double?
    }

    struct Result: Codable {
        var score: Score?
        var success: Bool?
        var completion: Bool?
        var response: String?
        var duration: String?
        var extensions: [String: AnyJSON]?
    }

    struct ContextActivities: Codable {
        var parent: [Activity]?
        var grouping: [Activity]?
        var category: [Activity]?
        var other: [Activity]?
    }

    struct Context: Codable {
        var registration: String?
        var instructor: Agent?
        var team: Agent?
        var contextActivities: ContextActivities?
        var revision: String?
        var platform: String?
        var language: String?
        var extensions: [String: AnyJSON]?
    }

    var id: String?
    var actor: Agent
    var verb: Verb
    var object: Activity
    var result: Result?
    var context: Context?
    var timestamp: String?
    var version: String?
}

/// Arbitrary JSON for extension values.
enum AnyJSON: Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
