import XAPI

/// Generates realistic xAPI statements (about 1.5 KB each, as eLearning content sends them)
/// for benchmarks and load tests. Deterministic for a given seed.
public struct SampleStatements: Sendable {
    private var random: SplitMix64
    private let pace: Int64?
    private var generated: Int64 = 0

    /// The first second of the 30,000,000-second span (about 347 days) the timestamps fall in.
    public static let start: Int64 = 1_700_000_000
    public static let span: Int64 = 30_000_000

    /// Creates a generator. Without a `pace`, timestamps fall anywhere in the span, in no
    /// order (a backfill); with one, the n-th statement happens about n × pace seconds into it
    /// (up to an hour later), as when courses report while people learn.
    public init(seed: UInt64 = 42, pace: Int64? = nil) {
        random = SplitMix64(seed: seed)
        self.pace = pace
    }

    private static let verbs = ["completed", "passed", "failed", "attempted", "answered", "experienced", "scored"]
    private static let skills = ["forklift-safety", "first-aid", "negotiation", "sql", "coaching", "gdpr", "excel"]
    private static let interactionTypes = ["choice", "true-false", "fill-in", "numeric", "likert"]

    /// The next statement as compact JSON bytes.
    public mutating func next() -> [UInt8] {
        let learner = Int(random.next() % 5000)
        let course = Int(random.next() % 40)
        let lesson = Int(random.next() % 12)
        let verb = Self.verbs[Int(random.next() % UInt64(Self.verbs.count))]
        let skill = Self.skills[course % Self.skills.count]
        let scaled = Double(random.next() % 101) / 100
        let offset = pace.map { generated * $0 + Int64(random.next() % 3_600) } ?? Int64(random.next() % UInt64(Self.span))
        let seconds = Self.start + offset % Self.span
        generated += 1
        var w = JSONWriter(capacity: 1600)
        w.beginObject()
        w.key("id"); w.string(XAPIUUID.random(using: &random).description)
        w.key("actor"); w.beginObject()
        w.key("objectType"); w.string("Agent")
        w.key("name"); w.string("Learner \(learner)")
        w.key("mbox"); w.string("mailto:learner\(learner)@example.com")
        w.endObject()
        w.key("verb"); w.beginObject()
        w.key("id"); w.string("http://adlnet.gov/expapi/verbs/\(verb)")
        w.key("display"); w.beginObject(); w.key("en-US"); w.string(verb); w.endObject()
        w.endObject()
        w.key("object"); w.beginObject()
        w.key("objectType"); w.string("Activity")
        w.key("id"); w.string("https://courses.example.com/course-\(course)/lesson-\(lesson)/question-\(learner % 20)")
        w.key("definition"); w.beginObject()
        w.key("name"); w.beginObject(); w.key("en-US"); w.string("Course \(course), lesson \(lesson): check your understanding"); w.endObject()
        w.key("description"); w.beginObject(); w.key("en-US"); w.string("A knowledge check on \(skill) with feedback for each answer."); w.endObject()
        w.key("type"); w.string("http://adlnet.gov/expapi/activities/cmi.interaction")
        w.key("interactionType"); w.string(Self.interactionTypes[lesson % Self.interactionTypes.count])
        w.key("correctResponsesPattern"); w.beginArray(); w.string("golf[,]tetris"); w.endArray()
        w.endObject()
        w.endObject()
        w.key("result"); w.beginObject()
        w.key("score"); w.beginObject()
        w.key("scaled"); w.number(String(scaled))
        w.key("raw"); w.number(String(Int(scaled * 100)))
        w.key("min"); w.number("0")
        w.key("max"); w.number("100")
        w.endObject()
        w.key("success"); w.bool(scaled >= 0.8)
        w.key("completion"); w.bool(true)
        w.key("duration"); w.string("PT\(random.next() % 50)M\(random.next() % 60).\(random.next() % 100)S")
        w.key("response"); w.string("golf[,]tetris")
        w.endObject()
        w.key("context"); w.beginObject()
        w.key("registration"); w.string(XAPIUUID.random(using: &random).description)
        w.key("contextActivities"); w.beginObject()
        w.key("parent"); w.beginArray(); w.beginObject()
        w.key("id"); w.string("https://courses.example.com/course-\(course)/lesson-\(lesson)")
        w.key("objectType"); w.string("Activity")
        w.endObject(); w.endArray()
        w.key("grouping"); w.beginArray(); w.beginObject()
        w.key("id"); w.string("https://courses.example.com/course-\(course)")
        w.endObject(); w.endArray()
        w.key("category"); w.beginArray(); w.beginObject()
        w.key("id"); w.string("https://skills.example.com/skill/\(skill)")
        w.endObject(); w.endArray()
        w.endObject()
        w.key("instructor"); w.beginObject()
        w.key("name"); w.string("Coach \(course % 7)")
        w.key("account"); w.beginObject()
        w.key("homePage"); w.string("https://lms.example.com")
        w.key("name"); w.string("coach-\(course % 7)")
        w.endObject()
        w.endObject()
        w.key("platform"); w.string("Articulate Storyline 360")
        w.key("language"); w.string("en-US")
        w.key("extensions"); w.beginObject()
        w.key("https://w3id.org/xapi/cmi5/context/extensions/sessionid"); w.string("session-\(random.next() % 100_000)")
        w.key("https://tessera.example.com/ext/site"); w.string("Leeds distribution centre")
        w.key("https://w3id.org/xapi/cmi5/context/extensions/masteryscore"); w.number("0.8")
        w.endObject()
        w.endObject()
        w.key("timestamp"); w.string(XAPITimestamp(seconds: seconds, nanoseconds: 0).text)
        w.key("version"); w.string("1.0.0")
        w.endObject()
        return w.bytes
    }

    /// `count` statements.
    public mutating func take(_ count: Int) -> [[UInt8]] {
        (0..<count).map { _ in next() }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
