internal import GRDB
internal import MigrationCore

/// What serve could not deliver, with why (SPEC §7 "Nothing fails silently"): messages and events
/// that failed for good, and those held — waiting with a reason (a history lookup that cannot
/// answer, an attachment that cannot be fetched, an account not created yet), or waiting behind
/// such a message of their conversation or event of their scope.
extension ServeStore {
    /// One entry of `GET /failed`.
    struct FailedEntry: Sendable, Equatable {
        var seq: Int64
        var id: String
        var state: String
        var reason: String
    }

    /// Entries after `since` (a sequence number), in receipt order; `next` is the last one looked at.
    func failed(since: Int64, limit: Int) async throws -> (entries: [FailedEntry], next: Int64) {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, source_key, status, reason, (
                        SELECT b.source_key || char(9) || b.reason FROM inbox b
                        WHERE b.conv = a.conv AND b.seq < a.seq AND b.status IN \(InboxStatus.open) AND b.reason IS NOT NULL
                        ORDER BY b.seq LIMIT 1
                    ) AS blocker
                    FROM inbox a
                    WHERE status IN \(InboxStatus.sql(.pending, .inFlight, .failed)) AND seq > ? AND (status = \(InboxStatus.failed.sql) OR reason IS NOT NULL OR EXISTS (
                        SELECT 1 FROM inbox b WHERE b.conv = a.conv AND b.seq < a.seq AND b.status IN \(InboxStatus.open)
                        AND b.reason IS NOT NULL))
                    ORDER BY seq LIMIT ?
                    """, arguments: [since, limit])
            let entries = rows.map {
                Self.failedEntry($0, id: $0["source_key"]) { "message \($0) of its conversation" }
            }
            return (entries, entries.last?.seq ?? since)
        }
    }

    /// One row of a `/failed` query (`seq`, `status`, `reason`, and `blocker`: the id and reason,
    /// tab-separated, of the first earlier one it waits behind): failed, or held with its own reason
    /// or the one it waits behind (`behind` names that one).
    static func failedEntry(_ row: Row, id: String, prefix: String = "", behind: (String) -> String) -> FailedEntry {
        let status: Int = row["status"]
        var reason: String = row["reason"] ?? ""
        if status != InboxStatus.failed.rawValue, reason.isEmpty, let blocker: String = row["blocker"] {
            let parts = blocker.split(separator: "\t", maxSplits: 1).map(String.init)
            reason = "waits behind \(behind(parts.first ?? "")): \(parts.last ?? "")"
        }
        return FailedEntry(
            seq: row["seq"], id: id, state: status == InboxStatus.failed.rawValue ? "failed" : "held",
            reason: prefix + reason)
    }

    /// How many messages ``failed(since:limit:)`` lists as held (waiting with a reason, or behind
    /// such a message of their conversation), inside a read the caller already has.
    static func heldCount(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM inbox a
                WHERE status IN \(InboxStatus.open) AND (reason IS NOT NULL OR EXISTS (
                    SELECT 1 FROM inbox b WHERE b.conv = a.conv AND b.seq < a.seq AND b.status IN \(InboxStatus.open)
                    AND b.reason IS NOT NULL))
                """) ?? 0
    }

    /// Puts every failed message back in the queue (after the cause was fixed); returns how many.
    func retryFailed() async throws -> Int {
        try await change(
            """
            UPDATE inbox SET status = \(InboxStatus.pending.sql), attempts = 0, next_at = 0, reason = NULL
            WHERE status = \(InboxStatus.failed.sql)
            """)
    }

    /// Events after `since` (a sequence number) that failed for good, wait with a reason, or wait
    /// behind such an event of their scope, in receipt order; `next` is the last one looked at.
    func failedEvents(since: Int64, limit: Int) async throws -> (entries: [FailedEntry], next: Int64) {
        try await pool.read { db in
            let earlier = Self.earlierHeldEvent
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, event_id, type, status, reason,
                    (SELECT b.event_id || char(9) || b.reason \(earlier) ORDER BY b.time, b.seq LIMIT 1) AS blocker
                    FROM event a
                    WHERE seq > ? AND (status = \(EventStatus.failed.sql) OR (status IN \(EventStatus.open) AND (reason IS NOT NULL OR EXISTS (SELECT 1 \(earlier)))))
                    ORDER BY seq LIMIT ?
                    """, arguments: [since, limit])
            let entries = rows.map { row in
                Self.failedEntry(row, id: row["event_id"], prefix: "\(row["type"] as String): ") {
                    "event \($0) of its scope"
                }
            }
            return (entries, entries.last?.seq ?? since)
        }
    }

    /// The events of `a`'s scope before it that wait with a reason (`FROM …`, for `EXISTS` and the
    /// blocker's lookup): what holds event `a` back.
    static let earlierHeldEvent = """
        FROM event b WHERE b.scope = a.scope AND b.status IN \(EventStatus.open) AND b.reason IS NOT NULL
        AND (b.time < a.time OR (b.time = a.time AND b.seq < a.seq))
        """

    /// How many events ``failedEvents(since:limit:)`` lists as held (waiting with a reason, or behind
    /// such an event of their scope), inside a read the caller already has.
    static func heldEventsCount(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM event a
                WHERE status IN \(EventStatus.open) AND (reason IS NOT NULL OR EXISTS (SELECT 1 \(earlierHeldEvent)))
                """) ?? 0
    }

    /// How many times messages and events failed for good, retries counted again (the `failures`
    /// columns, read by their partial indexes; never lower than before, as a Prometheus counter must be).
    static func failureTotals(_ db: Database) throws -> (messages: Int, events: Int) {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT coalesce(sum(failures), 0) FROM inbox WHERE failures > 0) AS messages,
                (SELECT coalesce(sum(failures), 0) FROM event WHERE failures > 0) AS events
                """)
        return (row?["messages"] ?? 0, row?["events"] ?? 0)
    }

    /// Puts every failed event back in the queue with a fresh dependency wait; returns how many.
    func retryFailedEvents(now: Int64) async throws -> Int {
        try await change(
            """
            UPDATE event SET status = \(EventStatus.pending.sql), attempts = 0, next_at = 0, reason = NULL, waiting = 0,
            received_at = ? WHERE status = \(EventStatus.failed.sql)
            """, [now])
    }
}
