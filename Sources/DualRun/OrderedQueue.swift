internal import GRDB

/// One of serve's two ordered queues in `serve.sqlite`: the inbox (messages, per conversation in
/// receipt order) and the events (per scope in the old server's `time` order). Both are claimed
/// the same way: the first pending row that is due, whose group has no row in work and no earlier
/// row still pending; claiming marks it in work and counts the attempt (so an attempt cut short by
/// a kill is counted). A claim that only looked and waited — an ordering hold, a dependency re-poll —
/// gives its count back when it is settled (`attempted: false`): `attempts` counts real attempts.
struct OrderedQueue: Sendable {
    /// The table (`inbox`, `event`).
    let table: String
    /// The column whose equal values form one ordered group (`conv`, `scope`).
    let group: String
    /// The order within a group, most significant column first.
    let order: [String]
    /// The claim's query and update, built once (each connection caches their statements).
    private let select: String
    private let update: String

    static let inbox = OrderedQueue(
        table: "inbox", status: ServeStore.InboxStatus.self, group: "conv", order: ["seq"],
        columns: "seq, source_key, raw, attempts, uncertain_since, received_at, conv, create_time",
        alsoSet: ", claimed_at = ?")
    static let events = OrderedQueue(
        table: "event", status: ServeStore.EventStatus.self, group: "scope", order: ["time", "seq"],
        columns: "seq, event_id, type, body, target_key, received_at, progress, attempts, scope, time")

    /// `status` names the table's statuses; `columns` are what a claim returns; `alsoSet` adds
    /// assignments to the claim (`claimed_at = ?`), bound to the claim's `alsoArguments`.
    private init<Status: ClaimedStatus>(
        table: String, status: Status.Type, group: String, order: [String], columns: String, alsoSet: String = ""
    ) {
        let (pending, inFlight) = (Status.pending.sql, Status.inFlight.sql)
        self.table = table
        self.group = group
        self.order = order
        select = """
            SELECT \(columns) FROM \(table) AS q
            WHERE status = \(pending) AND next_at <= ?
            AND NOT EXISTS (SELECT 1 FROM \(table) AS x WHERE x.\(group) = q.\(group) AND x.status = \(inFlight))
            AND NOT EXISTS (
                SELECT 1 FROM \(table) AS x WHERE x.\(group) = q.\(group) AND x.status = \(pending) AND \(Self.earlier(order)))
            ORDER BY \(order.joined(separator: ", ")) LIMIT 1
            """
        update = "UPDATE \(table) SET status = \(inFlight), attempts = attempts + 1\(alsoSet) WHERE seq = ?"
    }

    /// Claims the next row, returned with `attempts` as it was before this claim.
    func claim(_ db: Database, now: Int64, alsoArguments: [Int64] = []) throws -> Row? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: select), arguments: [now]) else { return nil }
        let seq: Int64 = row["seq"]
        try db.cachedStatement(sql: update).execute(arguments: StatementArguments(alsoArguments + [seq]))
        return row
    }

    /// `x` comes before `q` in `columns`' order, spelled out (`x.a < q.a OR (x.a = q.a AND …)`) so
    /// SQLite can use the queue's index.
    private static func earlier(_ columns: [String]) -> String {
        guard let first = columns.first else { return "0" }
        let rest = Array(columns.dropFirst())
        if rest.isEmpty { return "x.\(first) < q.\(first)" }
        return "(x.\(first) < q.\(first) OR (x.\(first) = q.\(first) AND \(earlier(rest))))"
    }
}
