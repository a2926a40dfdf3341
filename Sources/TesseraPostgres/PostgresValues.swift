import Foundation
import NIOCore
import PostgresNIO
import TesseraLRS
import XAPI

extension XAPIUUID {
    /// The same UUID as Foundation's type, as PostgreSQL's `uuid` columns take it.
    var foundation: UUID {
        let b = bytes
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// The UUID read from a `uuid` column.
    init(_ uuid: UUID) {
        self = withUnsafeBytes(of: uuid.uuid) { XAPIUUID(bytes: $0)! }
    }
}

extension ByteBuffer {
    /// The buffer's readable bytes.
    var bytes: [UInt8] { Array(readableBytesView) }
}

extension StatementQueryPlan.Command {
    /// The command for PostgreSQL: `?` parameters numbered `$1`, `$2`, … (the plan's SQL has
    /// no other question marks).
    var postgres: PostgresQuery {
        PostgresQuery.numbered(sql, bindings)
    }
}

extension PostgresQuery {
    /// `sql` with its `?` parameters numbered, and `bindings` bound to them in order.
    static func numbered(_ sql: String, _ bindings: [StatementQueryPlan.Binding]) -> PostgresQuery {
        var numbered = ""
        var count = 0
        for character in sql {
            if character == "?" {
                count += 1
                numbered += "$\(count)"
            } else {
                numbered.append(character)
            }
        }
        var binds = PostgresBindings(capacity: bindings.count)
        for binding in bindings {
            switch binding {
            case .integer(let value): binds.append(value)
            case .uuid(let value): binds.append(value.foundation)
            }
        }
        return PostgresQuery(unsafeSQL: numbered, binds: binds)
    }
}
