/// The verbs and object activities the latest stored statements use (`window` of them), the
/// most used first: what a catalog is written from (docs/console.md).
public struct Vocabulary: Sendable, Equatable {
    /// An IRI and how many stored statements use it.
    public struct Term: Sendable, Equatable {
        public let iri: String
        public let statements: Int

        public init(iri: String, statements: Int) {
            self.iri = iri
            self.statements = statements
        }
    }

    /// Verbs, by statements using them (most first, then by IRI).
    public let verbs: [Term]
    /// Activities that are statements' objects, the same way.
    public let activities: [Term]

    public init(verbs: [Term], activities: [Term]) {
        self.verbs = verbs
        self.activities = activities
    }

    /// How many of the latest statements are counted: enough to see what courses send, and a
    /// bounded read whatever the store's size (about 0.1 s at most on two cores).
    public static let window = 100_000

    /// The most used verbs of the latest `$2` statements, `$1` at most: the same SQL on both
    /// backends (their `verbs`, `activities` and `statements` tables are alike), a range of the
    /// primary key.
    public static let verbsSQL = """
        SELECT v.iri, c.statements FROM (
            SELECT verb_id, COUNT(*) AS statements FROM statements WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM statements) - $2
            GROUP BY verb_id) c
        JOIN verbs v ON v.id = c.verb_id ORDER BY c.statements DESC, v.iri LIMIT $1
        """

    /// The most used object activities of the latest `$2` statements, the same way.
    public static let activitiesSQL = """
        SELECT a.iri, c.statements FROM (
            SELECT object_activity_id, COUNT(*) AS statements FROM statements
            WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM statements) - $2 AND object_activity_id IS NOT NULL GROUP BY object_activity_id) c
        JOIN activities a ON a.id = c.object_activity_id ORDER BY c.statements DESC, a.iri LIMIT $1
        """
}
