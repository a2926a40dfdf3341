import TesseraLRS
import XAPI

/// State the writer keeps beside the statements in its own transactions (the hash chain;
/// analytics' facts with their roll-ups, learning volume among them). The writer tells each
/// participant, in order, what its transaction did; a participant writes on the writer's
/// connection and may hold work in memory until `willCommit`.
protocol WriterParticipant: AnyObject {
    /// `row` was just inserted, inside the current transaction.
    func didStore(_ row: StoredStatementRow, on connection: SQLiteConnection) throws
    /// The statement at `seq` no longer counts (it was voided or erased), inside the current
    /// transaction.
    func didRemove(seq: Int64, on connection: SQLiteConnection) throws
    /// Every piece of work of the transaction is written: write out what was held back.
    func willCommit(on connection: SQLiteConnection) throws
    /// The transaction rolled back: forget what was held in memory and read it again from the
    /// database. A participant that cannot stops the writer (the store reports not ready)
    /// rather than go on from a state that is no longer the database's.
    func didRollBack(on connection: SQLiteConnection) throws
}

extension WriterParticipant {
    func didRemove(seq: Int64, on connection: SQLiteConnection) throws {}
    func willCommit(on connection: SQLiteConnection) throws {}
}

/// A statement as the writer just stored it.
struct StoredStatementRow {
    let seq: Int64
    /// The stored body (with `stored` filled in).
    let body: [UInt8]
    let statement: PreparedStatement
    let storedAt: XAPITimestamp
    /// True when a voiding statement stored earlier already targets it.
    let isVoided: Bool
    /// The interned ids of its actor (when an Agent), verb and object activity.
    let actorID: Int64?
    let verbID: Int64
    let objectActivityID: Int64?
}
