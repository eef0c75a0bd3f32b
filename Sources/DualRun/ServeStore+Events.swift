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
            let new = try Self.insertOnce(
                db,
                """
                INSERT OR IGNORE INTO event (event_id, type, time, scope, body, target_key, received_at, status, reason, settled_at, failures)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                events.map { event, problem in
                    [
                        event.id, event.type, event.time, event.scope.text, event.body, event.target, now,
                        problem == nil ? EventStatus.pending.rawValue : EventStatus.failed.rawValue, problem,
                        problem == nil ? nil : now, problem == nil ? 0 : 1,
                    ]
                })
            let stored = new.filter { $0 }.count
            return Receipt(stored: stored, duplicates: new.count - stored)
        }
    }

    /// An event claimed for applying: the event as it was received, and its place in the queue.
    struct EventClaim: Sendable, Equatable {
        var seq: Int64
        var event: OldEvent
        var receivedAt: Int64
        /// A multi-call event's saved progress.
        var progress: String?
        /// This attempt's number (1 for the first).
        var attempts: Int = 1
    }

    /// Claims the next event that may be applied now: the earliest (`time`, receipt) pending one of
    /// a scope with no event in work and no earlier one pending.
    func claimEvent(now: Int64) async throws -> EventClaim? {
        try await claimNext(.events, now: now) { row in
            EventClaim(
                seq: row["seq"],
                event: OldEvent(
                    id: row["event_id"], time: row["time"], type: row["type"], scope: Scope(stored: row["scope"]),
                    target: row["target_key"], body: row["body"]),
                receivedAt: row["received_at"], progress: row["progress"], attempts: row["attempts"] + 1)
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
