import XAPI

extension ExportFilter {
    /// The filter's content conditions (agent, verb, activity, registration) as a Statement
    /// resource query, applied to each statement itself.
    public var contentQuery: StatementQuery {
        var content = StatementQuery()
        content.agent = agent
        content.verb = verb
        content.activity = activity
        content.registration = registration
        return content
    }

    /// The SQL for up to `limit` stored statements' export records with seq in (after, through]
    /// that the filter admits, in storage order, as (seq, chain, content, voided, body); `plan`
    /// is `contentQuery`'s.
    public func storedRecordsCommand(plan: StatementQueryPlan, after: Int64, through: Int64, limit: Int) -> StatementQueryPlan.Command {
        typealias Clause = StatementQueryPlan.Clause
        let direct = plan.direct
        var clauses = direct.clauses + [Clause(direct.seq + " > ?", .integer(after)), Clause(direct.seq + " <= ?", .integer(through))]
        if let since { clauses.append(Clause("s.stored_ms > ?", .integer(since))) }
        if let until { clauses.append(Clause("s.stored_ms <= ?", .integer(until))) }
        if !includeVoided { clauses.append(Clause("NOT s.voided")) }
        return StatementQueryPlan.Command(
            sql: "SELECT s.seq, c.chain, c.content, s.voided, s.body FROM " + direct.source
                + " JOIN statement_chain c ON c.seq = s.seq WHERE " + clauses.map(\.sql).joined(separator: " AND ")
                + " ORDER BY " + direct.seq + " LIMIT ?",
            bindings: clauses.flatMap(\.bindings) + [.integer(Int64(limit))])
    }

    /// The SQL for up to a limit of erased statements' tombstones with seq in (after, through]
    /// stored in the filter's time range, as (seq, chain, content, erasure); parameters: after,
    /// through, since, until, limit.
    public static let tombstoneRecordsSQL = """
        SELECT e.seq, c.chain, c.content, e.erasure FROM erased_statements e JOIN statement_chain c ON c.seq = e.seq
        WHERE e.seq > ? AND e.seq <= ? AND e.stored_ms > ? AND e.stored_ms <= ? ORDER BY e.seq LIMIT ?
        """
}
