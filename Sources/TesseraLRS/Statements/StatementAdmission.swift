import XAPI

/// Why a batch was not stored. Nothing of a rejected batch is written.
public enum StoreRejection: Error, Equatable, Sendable {
    /// A statement with this id exists and says something different.
    case conflict(XAPIUUID)
    /// The batch voids this statement, which is itself a voiding statement.
    case voidsVoidingStatement(XAPIUUID)
}

/// What admission needs to know of what is stored, read by a backend inside the transaction
/// that will write the batch.
public protocol AdmissionLookup {
    /// The stored body of statement `id`, if it is stored.
    func storedBody(of id: XAPIUUID) throws -> [UInt8]?
    /// True when statement `id` was stored and then erased.
    func isErased(_ id: XAPIUUID) throws -> Bool
    /// True when statement `id` is stored and is a voiding statement.
    func isStoredVoiding(_ id: XAPIUUID) throws -> Bool
}

/// The xAPI rules that decide which statements of a batch are stored, for every backend.
public enum StatementAdmission {
    /// The statements of `batch` still to insert, after checking everything that could reject
    /// the batch: an id already stored with different content (an equivalent one is left out,
    /// as is an erased one: the person stays erased), and voiding a voiding statement (stored,
    /// or earlier in the batch). Throws `StoreRejection` for the whole batch.
    public static func admissible(_ batch: [PreparedStatement], lookup: some AdmissionLookup) throws -> [PreparedStatement] {
        var fresh: [PreparedStatement] = []
        fresh.reserveCapacity(batch.count)
        var voidingInBatch = Set<XAPIUUID>()
        for statement in batch {
            if let body = try lookup.storedBody(of: statement.id) {
                guard StatementReader.readStored(body)?.isEquivalent(to: statement.statement) == true else {
                    throw StoreRejection.conflict(statement.id)
                }
                continue
            }
            if try lookup.isErased(statement.id) { continue }
            if let target = statement.voids {
                if try voidingInBatch.contains(target) || lookup.isStoredVoiding(target) {
                    throw StoreRejection.voidsVoidingStatement(target)
                }
                voidingInBatch.insert(statement.id)
            }
            fresh.append(statement)
        }
        return fresh
    }
}
