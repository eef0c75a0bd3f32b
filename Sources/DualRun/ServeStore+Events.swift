internal import Foundation
internal import GRDB
internal import MigrationCore

/// The old server's events (SPEC §7 `/old/events`): stored once per event id, applied in `time`
/// order per scope (``OldEvent/scope``), one at a time per scope.
extension ServeStore {
    /// Status of an event row.
    enum EventStatus: Int, ClaimedStatus {
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
                    INSERT OR IGNORE INTO event (event_id, type, time, scope, body, target_key, received_at, status, reason, settled_at, failures)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (event, problem) in events {
                try insert.execute(arguments: [
                    event.id, event.type, event.time, event.scope.text, event.body, event.target, now,
                    problem == nil ? EventStatus.pending.rawValue : EventStatus.failed.rawValue, problem,
                    problem == nil ? nil : now, problem == nil ? 0 : 1,
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
        /// The `type` as stored (``kind`` when serve knows it).
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

        /// The kind, when `type` is one serve knows.
        var kind: OldEventKind? { OldEventKind(rawValue: type) }
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
        try await change(
            "UPDATE event SET status = \(EventStatus.pending.sql), next_at = 0 WHERE status = \(EventStatus.inFlight.sql)"
        )
    }

    /// How a claimed event ended: the event queue's one settlement type. A failure, for good or
    /// for now, is the core's ``CallFailure``; its ``CallFailure/reason`` is what `/failed` lists.
    enum EventSettlement: Sendable, Equatable {
        /// Done; the text says what was done.
        case applied(String)
        case failed(CallFailure)
        /// Back to the queue, not before `at`, with why; `waiting` when it needs something another
        /// event creates; `attempted: false` when the claim only looked and waited (not counted in
        /// `attempts`).
        case retry(at: Int64, CallFailure, waiting: Bool, attempted: Bool = true)
    }

    /// Records the outcome; an applied event wakes everything that waits for a dependency.
    func settle(event seq: Int64, _ settlement: EventSettlement, now: Int64) async throws {
        try await pool.write { db in
            switch settlement {
            case .applied(let result):
                try db.execute(
                    sql:
                        "UPDATE event SET status = \(EventStatus.applied.sql), reason = ?, waiting = 0, settled_at = ? WHERE seq = ?",
                    arguments: [result, now, seq])
                try db.execute(
                    sql: "UPDATE event SET next_at = 0 WHERE status = \(EventStatus.pending.sql) AND waiting = 1")
                try db.execute(
                    sql: "UPDATE inbox SET next_at = 0 WHERE status = \(InboxStatus.pending.sql) AND waiting = 1")
            case .failed(let failure):
                try db.execute(
                    sql: """
                        UPDATE event SET status = \(EventStatus.failed.sql), reason = ?, waiting = 0, settled_at = ?,
                        failures = failures + 1 WHERE seq = ?
                        """,
                    arguments: [failure.reason, now, seq])
            case .retry(let at, let failure, let waiting, let attempted):
                try db.execute(
                    sql: """
                        UPDATE event SET status = \(EventStatus.pending.sql), next_at = ?, reason = ?, waiting = ?, attempts = attempts - ?
                        WHERE seq = ?
                        """, arguments: [at, failure.reason, waiting, attempted ? 0 : 1, seq])
            }
        }
    }

    /// Saves a multi-call event's progress (after each call).
    func saveProgress(event seq: Int64, _ progress: String) async throws {
        try await change("UPDATE event SET progress = ? WHERE seq = ?", [progress, seq])
    }
}
