import XAPI

/// xAPI's merges of JSON objects, written compactly.
public enum JSONMerge {
    /// The members of the object `update` written over those of the object `stored`: a member
    /// `update` has replaces the stored one whole, except for the names in `deep`, whose
    /// object values are merged one level further (their members replaced whole). Nil when
    /// either is not a JSON object.
    public static func merge(_ update: [UInt8], into stored: [UInt8], deep: Set<String> = []) -> [UInt8]? {
        guard let old = try? JSONDocument.parse(stored).root, old.kind == .object,
            let new = try? JSONDocument.parse(update).root, new.kind == .object
        else { return nil }
        var writer = JSONWriter(capacity: stored.count + update.count)
        write(new, over: old, deep: deep, into: &writer)
        return writer.bytes
    }

    private static func write(_ new: JSONValue, over old: JSONValue, deep: Set<String>, into writer: inout JSONWriter) {
        let replaced = Set(new.members.map(\.key))
        writer.beginObject()
        for member in old.members where !replaced.contains(member.key) {
            writer.key(member.key)
            writer.value(member.value)
        }
        for member in new.members {
            writer.key(member.key)
            if deep.contains(member.key), member.value.kind == .object, let previous = old[member.key], previous.kind == .object {
                write(member.value, over: previous, deep: [], into: &writer)
            } else {
                writer.value(member.value)
            }
        }
        writer.endObject()
    }
}
