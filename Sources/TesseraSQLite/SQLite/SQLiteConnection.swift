import TesseraLRS
import CSQLite
import XAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure reported by SQLite.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The SQLite result code (extended).
    public let code: Int32
    /// SQLite's message.
    public let message: String

    public var description: String { "SQLite error \(code): \(message)" }

    /// True when the disk or the database's size limit is full.
    public var isFull: Bool { code & 0xFF == SQLITE_FULL }
}

/// One connection to a database file. Not thread-safe: it is owned by one thread at a time
/// (the writer's thread, or a reader that checked it out of the pool).
final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private var cache: [String: SQLiteStatement] = [:]

    /// How the connection opens the file.
    enum Mode {
        /// Read-write; creates the file if it does not exist.
        case readWrite
        /// Read-only.
        case readOnly
    }

    init(path: String, mode: Mode) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = (mode == .readWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = "cannot open \(path): " + (handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")
            if let handle { sqlite3_close_v2(handle) }
            throw SQLiteError(code: status, message: message)
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit {
        for statement in cache.values { statement.finalize() }
        sqlite3_close_v2(handle)
    }

    private func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Runs one or more SQL statements that return no rows.
    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        guard status == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: status, message: text)
        }
    }

    /// A prepared statement for `sql`, reset and ready to bind; prepared once per connection.
    func prepared(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = cache[sql] {
            statement.reset()
            return statement
        }
        var handle: OpaquePointer?
        let status = sqlite3_prepare_v3(self.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard status == SQLITE_OK, let handle else { throw error(status) }
        let statement = SQLiteStatement(handle: handle, connection: self)
        cache[sql] = statement
        return statement
    }

    /// The single integer the query returns (e.g. `PRAGMA user_version`), or nil for no row.
    func scalar(_ sql: String) throws(SQLiteError) -> Int64? {
        let statement = try prepared(sql)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.int64(0)
    }

    /// Resets every statement still in the middle of its rows. A statement left mid-way keeps
    /// a read snapshot open: a reader would go on seeing old data and a writer could not
    /// begin. Every unit of work (a query, a write transaction) ends with this.
    /// Makes the statement running on this connection (on another thread) stop soon with
    /// `SQLITE_INTERRUPT`; safe to call from any thread while the connection is open.
    func interrupt() {
        sqlite3_interrupt(handle)
    }

    func finishStatements() {
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 { sqlite3_reset(current) }
            statement = sqlite3_next_stmt(handle, current)
        }
    }

    /// The rowid of the last successful INSERT.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in one read transaction, so that everything it reads is one consistent
    /// state of the database.
    func snapshot<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        defer { try? execute("COMMIT") }
        return try body()
    }

    /// Runs `body` in a transaction, committing when it returns and rolling back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            finishStatements()
            try execute("COMMIT")
            return result
        } catch {
            finishStatements()
            try? execute("ROLLBACK")
            throw error
        }
    }

    fileprivate func failure(_ code: Int32) -> SQLiteError { error(code) }
}

/// A prepared statement. Bind parameters by 1-based index, then step through rows.
final class SQLiteStatement {
    let handle: OpaquePointer
    private unowned let connection: SQLiteConnection

    /// Tells SQLite to copy bound text and blobs.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    fileprivate init(handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    fileprivate func finalize() { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else { return bindNull(index) }
        sqlite3_bind_text(handle, index, value, -1, Self.transient)
    }

    func bind(_ index: Int32, _ value: [UInt8]?) {
        guard let value else { return bindNull(index) }
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob64(handle, index, bytes.baseAddress, sqlite3_uint64(bytes.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ value: XAPIUUID?) {
        bind(index, value?.bytes)
    }

    func bindNull(_ index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    /// Advances to the next row: true when there is one, false when done.
    @discardableResult
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let status: throw connection.failure(status)
        }
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// True when the text in `column` is exactly `string` (compared as bytes, without making a
    /// String).
    func textEquals(_ column: Int32, _ string: String) -> Bool {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer = sqlite3_column_text(handle, column) else { return string.isEmpty }
        var string = string
        return string.withUTF8 { bytes in
            guard bytes.count == count, let base = bytes.baseAddress else { return bytes.count == count }
            return memcmp(base, pointer, count) == 0
        }
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    func uuid(_ column: Int32) -> XAPIUUID? {
        isNull(column) ? nil : XAPIUUID(bytes: blob(column))
    }
}

/// A value that binds to a statement parameter.
protocol SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: Int32)
}

extension Int64: SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension String: SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}
