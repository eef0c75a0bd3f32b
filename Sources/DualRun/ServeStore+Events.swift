internal import Foundation
internal import GRDB

/// The old server's events (SPEC §7 `/old/events`): stored once per event id, applied in `time`
/// order per scope (``OldEvent/scope``), one at a time per scope.
extension ServeStore {
    /// Status of an event row.
    enum EventStatus: Int, Sendable {
        case pending = 0
        case inFlight = 1
        case applied = 2
        case failed = 3
    }

    /// Stores events in one transaction (all or none); an id already stored is kept once. An event
    /// with a `problem` is stored as failed with it (accepted, then listed).
    func receive(events: [(OldEvent, problem: String?)], now: Int64) async throws -> Receipt {
        try await pool.write { db in
            var receipt = Receipt()
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO event (event_id, type, time, scope, body, target_key, received_at, status, reason, settled_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (event, problem) in events {
                try insert.execute(arguments: [
                    event.id, event.type, event.time, event.scope.text, event.body, event.target, now,
                    problem == nil ? EventStatus.pending.rawValue : EventStatus.failed.rawValue, problem,
                    problem == nil ? nil : now,
                ])
                if db.changesCount == 0 { receipt.duplicates += 1 } else { receipt.stored += 1 }
            }
            return receipt
        }
    }

    /// An event claimed for applying.
    struct EventClaim: Sendable, Equatable {
        var seq: Int64
        var id: String
        var type: String
        var body: String
        var target: String?
        var receivedAt: Int64
        var progress: String?
        /// This attempt's number (1 for the first).
        var attempts: Int = 1
        var scope = Scope.alone(event: "")
        /// The old server's time (ms).
        var time: Int64 = 0
    }

    /// Claims the next event that may be applied now: the earliest (`time`, receipt) pending one of
    /// a scope with no event in work and no earlier one pending.
    func claimEvent(now: Int64) async throws -> EventClaim? {
        try await pool.write { db in
            guard
                let row = try OrderedQueue.events.claim(db, now: now)
            else { return nil }
            return EventClaim(
                seq: row["seq"], id: row["event_id"], type: row["type"], body: row["body"], target: row["target_key"],
                receivedAt: row["received_at"], progress: row["progress"], attempts: row["attempts"] + 1,
                scope: Scope(stored: row["scope"]), time: row["time"])
        }
    }

    /// At start: events left in work by a dead process go back to the queue (their saved progress
    /// and NIM's tolerances make the repeat safe).
    func resumeEventsInFlight() async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "UPDATE event SET status = 0, next_at = 0 WHERE status = 1")
            return db.changesCount
        }
    }

    /// How a claimed event ended.
    enum EventSettlement: Sendable, Equatable {
        case applied(String)
        case failed(String)
        /// Back to the queue, not before `at`; `waiting` when it needs something another event creates;
        /// `attempted: false` when the claim only looked and waited (not counted in `attempts`).
        case retry(at: Int64, reason: String, waiting: Bool, attempted: Bool = true)
    }

    /// Records the outcome; an applied event wakes everything that waits for a dependency.
    func settle(event seq: Int64, _ settlement: EventSettlement, now: Int64) async throws {
        try await pool.write { db in
            switch settlement {
            case .applied(let result):
                try db.execute(
                    sql: "UPDATE event SET status = 2, reason = ?, waiting = 0, settled_at = ? WHERE seq = ?",
                    arguments: [result, now, seq])
                try db.execute(sql: "UPDATE event SET next_at = 0 WHERE status = 0 AND waiting = 1")
                try db.execute(sql: "UPDATE inbox SET next_at = 0 WHERE status = 0 AND waiting = 1")
            case .failed(let reason):
                try db.execute(
                    sql: "UPDATE event SET status = 3, reason = ?, waiting = 0, settled_at = ? WHERE seq = ?",
                    arguments: [reason, now, seq])
            case .retry(let at, let reason, let waiting, let attempted):
                try db.execute(
                    sql: """
                        UPDATE event SET status = 0, next_at = ?, reason = ?, waiting = ?, attempts = attempts - ?
                        WHERE seq = ?
                        """, arguments: [at, reason, waiting, attempted ? 0 : 1, seq])
            }
        }
    }

    /// Saves a multi-call event's progress (after each call).
    func saveProgress(event seq: Int64, _ progress: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE event SET progress = ? WHERE seq = ?", arguments: [progress, seq])
        }
    }

    /// Records, before the call, the NIM msgid a recall is about to recall (so its CC is known as
    /// this bridge's own).
    func markRecall(event seq: Int64, msgid: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE event SET nim_msgid = ? WHERE seq = ?", arguments: [msgid, seq])
        }
    }

    /// Whether NIM's message `msgid` was recalled (or is being recalled) by this bridge.
    func isOwnRecall(_ msgid: Int64) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM event WHERE nim_msgid = ? LIMIT 1", arguments: [msgid]) ?? false
        }
    }

    /// Whether a recall of the message with this source key is stored and not failed. (A recall
    /// that names no createTime — Easemob's — targets the key's prefix `msgid|from|`.)
    func isRecalled(_ key: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM event WHERE status IN (0, 1, 2) AND target_key IS NOT NULL
                    AND (target_key = ?1 OR (substr(target_key, -1) = '|' AND ?1 LIKE target_key || '%')) LIMIT 1
                    """, arguments: [key]) ?? false
        }
    }

    /// The inbox row of a source key, for a recall.
    struct InboxEntry: Sendable, Equatable {
        var seq: Int64
        var status: InboxStatus
        var nimMsgid: Int64?
        var nimTimetag: Int64?
        var line: String?
        var reason: String?
    }

    func inboxEntry(_ key: String) async throws -> InboxEntry? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT seq, status, nim_msgid, nim_timetag, line, reason FROM inbox
                    WHERE source_key = ?1 OR (substr(?1, -1) = '|' AND source_key LIKE ?1 || '%') ORDER BY seq LIMIT 1
                    """, arguments: [key]
            ).map {
                InboxEntry(
                    seq: $0["seq"], status: InboxStatus(rawValue: $0["status"]) ?? .pending, nimMsgid: $0["nim_msgid"],
                    nimTimetag: $0["nim_timetag"], line: $0["line"], reason: $0["reason"])
            }
        }
    }

    /// A queued message recalled before it was sent: skipped, if it is still only queued.
    func skipRecalled(_ key: String, now: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE inbox SET status = 4, reason = 'recalled on the old server before it was sent', settled_at = ?1
                    WHERE (source_key = ?2 OR (substr(?2, -1) = '|' AND source_key LIKE ?2 || '%')) AND status = 0
                    """, arguments: [now, key])
            return db.changesCount > 0
        }
    }

    // MARK: A conversation's messages and changes, in the old server's time order

    /// Whether a change of the conversation's group or pair made before `time` (ms) is still to be
    /// applied: a message of that time waits for it (a member added, a block made, just before).
    func changePending(conversation: Scope, before time: Int64) async throws -> Bool {
        guard let scope = conversation.changes else { return false }
        return try await openRow(in: "event", where: "scope", is: scope.text, before: time, by: "time")
    }

    /// Whether a message of the scope's conversation created before `time` (ms) is still to be
    /// sent: a change of that time waits for it (a member removed, a block made, just after).
    func messagePending(scope: Scope, before time: Int64) async throws -> Bool {
        guard let conversation = scope.messages else { return false }
        return try await openRow(in: "inbox", where: "conv", is: conversation.text, before: time, by: "create_time")
    }

    /// Whether `table` holds a row pending or in work whose `column` is `value` and whose
    /// `timeColumn` (the old server's time, ms) is before `time`.
    private func openRow(
        in table: String, where column: String, is value: String, before time: Int64, by timeColumn: String
    ) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM \(table) WHERE \(column) = ? AND status IN (0, 1) AND \(timeColumn) < ? LIMIT 1",
                arguments: [value, time]) ?? false
        }
    }

    // MARK: Team owners

    func teamOwner(_ tid: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT owner FROM team_owner WHERE tid = ?", arguments: [tid])
        }
    }

    func recordTeamOwner(_ tid: String, _ owner: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO team_owner (tid, owner) VALUES (?, ?)", arguments: [tid, owner])
        }
    }
}

extension ServeStore {
    /// Events after `since` (a sequence number) that failed for good, wait with a reason, or wait
    /// behind such an event of their scope, in receipt order; `next` is the last one looked at.
    func failedEvents(since: Int64, limit: Int) async throws -> (entries: [FailedEntry], next: Int64) {
        try await pool.read { db in
            let earlier = """
                FROM event b WHERE b.scope = a.scope AND b.status IN (0, 1) AND b.reason IS NOT NULL
                AND (b.time < a.time OR (b.time = a.time AND b.seq < a.seq))
                """
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, event_id, type, status, reason,
                    (SELECT b.event_id || char(9) || b.reason \(earlier) ORDER BY b.time, b.seq LIMIT 1) AS blocker
                    FROM event a
                    WHERE seq > ? AND (status = 3 OR (status IN (0, 1) AND (reason IS NOT NULL OR EXISTS (SELECT 1 \(earlier)))))
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

    /// Puts every failed event back in the queue with a fresh dependency wait; returns how many.
    func retryFailedEvents(now: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE event SET status = 0, attempts = 0, next_at = 0, reason = NULL, waiting = 0, received_at = ?
                    WHERE status = 3
                    """, arguments: [now])
            return db.changesCount
        }
    }
}
