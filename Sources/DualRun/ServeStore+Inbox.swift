internal import Foundation
internal import GRDB
internal import MigrationCore

extension ServeStore {
    /// What a receipt did.
    struct Receipt: Sendable, Equatable {
        var stored = 0
        var duplicates = 0
        var beforeCutoff = 0
    }

    /// Stores messages in one transaction (all or none); a source key already stored is kept
    /// once. Messages created before `cutoff` are stored as skipped (they belong to history).
    func receive(_ messages: [SourceMessage], cutoff: Int64, now: Int64) async throws -> Receipt {
        try await pool.write { db in
            let new = try Self.insertOnce(
                db,
                """
                INSERT OR IGNORE INTO inbox (source_key, conv, raw, create_time, received_at, status, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                messages.map { message in
                    let early = message.createTime < cutoff
                    return [
                        message.key, message.conversation.text, message.line, message.createTime, now,
                        early ? InboxStatus.skipped.rawValue : InboxStatus.pending.rawValue,
                        early ? "created before the cut-off: imported with the history" : nil,
                    ]
                })
            var receipt = Receipt()
            for (message, new) in zip(messages, new) {
                if !new {
                    receipt.duplicates += 1
                } else if message.createTime < cutoff {
                    receipt.beforeCutoff += 1
                } else {
                    receipt.stored += 1
                }
            }
            return receipt
        }
    }

    /// A message claimed for sending: the message as it was received, and its place in the queue.
    struct Claim: Sendable, Equatable {
        var seq: Int64
        var message: SourceMessage
        var attempts: Int
        /// Set when an earlier attempt may have reached NIM (a kill, an unanswered call): since when.
        var uncertainSince: Int64?
        /// When serve received it (ms): the start of its dependency wait.
        var receivedAt: Int64 = 0
    }

    /// Claims the next message that may be sent now: the oldest pending one whose conversation
    /// has no earlier message still open (each conversation is sent in receipt order).
    func claim(now: Int64) async throws -> Claim? {
        try await claimNext(.inbox, now: now, alsoArguments: [now]) { row in
            Claim(
                seq: row["seq"],
                message: SourceMessage(
                    key: row["source_key"], conversation: Scope(stored: row["conv"]), line: row["raw"],
                    createTime: row["create_time"]),
                attempts: row["attempts"] + 1, uncertainSince: row["uncertain_since"], receivedAt: row["received_at"])
        }
    }

    /// At start: messages left in flight by a dead process go back to the queue, marked uncertain
    /// since their claim (the sender looks them up in NIM's history before sending again).
    func resumeInFlight() async throws -> Int {
        try await change(
            """
            UPDATE inbox SET status = \(InboxStatus.pending.sql), next_at = 0,
            uncertain_since = coalesce(uncertain_since, claimed_at) WHERE status = \(InboxStatus.inFlight.sql)
            """)
    }

    /// How a claimed message ended: the inbox's one settlement type. A failure, for good or for
    /// now, is the core's ``CallFailure``; its ``CallFailure/reason`` is what `/failed` lists.
    enum Settlement: Sendable {
        case sent(msgid: Int64?, timetag: Int64? = nil, line: String?)
        case failed(CallFailure, line: String?)
        /// Not for sendMsg (a team notification, recalled before it was sent): not a failure.
        case skipped(reason: String, line: String?)
        /// Back to the queue, not before `at`, with why; `uncertain` when the attempt may have
        /// reached NIM; `waiting` when it needs an account or team an event creates (woken when one is
        /// applied); `attempted: false` when the claim only looked and waited (not counted in `attempts`).
        case retry(at: Int64, CallFailure, uncertain: Bool, waiting: Bool = false, attempted: Bool = true)
    }

    /// Records the outcome of a claim.
    func settle(_ seq: Int64, _ settlement: Settlement, now: Int64) async throws {
        try await pool.write { db in
            switch settlement {
            case .sent(let msgid, let timetag, let line):
                try db.execute(
                    sql: """
                        UPDATE inbox SET status = \(InboxStatus.sent.sql), nim_msgid = ?, nim_timetag = ?, line = ?, reason = NULL, waiting = 0,
                        settled_at = ? WHERE seq = ?
                        """,
                    arguments: [msgid, timetag, line, now, seq])
            case .failed(let failure, let line):
                try db.execute(
                    sql: """
                        UPDATE inbox SET status = \(InboxStatus.failed.sql), reason = ?, line = ?, waiting = 0, settled_at = ?,
                        failures = failures + 1 WHERE seq = ?
                        """,
                    arguments: [failure.reason, line, now, seq])
            case .skipped(let reason, let line):
                try db.execute(
                    sql:
                        "UPDATE inbox SET status = \(InboxStatus.skipped.sql), reason = ?, line = ?, waiting = 0, settled_at = ? WHERE seq = ?",
                    arguments: [reason, line, now, seq])
            case .retry(let at, let failure, let uncertain, let waiting, let attempted):
                try db.execute(
                    sql: """
                        UPDATE inbox SET status = \(InboxStatus.pending.sql), next_at = ?, reason = ?, waiting = ?, attempts = attempts - ?,
                        uncertain_since = CASE WHEN ? THEN coalesce(uncertain_since, claimed_at) ELSE uncertain_since END
                        WHERE seq = ?
                        """, arguments: [at, failure.reason, waiting, attempted ? 0 : 1, uncertain, seq])
            }
        }
    }

    /// Whether NIM's message `msgid` was sent by this bridge.
    func isOwnMessage(_ msgid: Int64) async throws -> Bool {
        try await exists("SELECT 1 FROM inbox WHERE nim_msgid = ?", [msgid])
    }

    /// Whether a sendMsg claimed at or before `time` may still be unanswered.
    func hasOpenClaim(claimedAtOrBefore time: Int64) async throws -> Bool {
        try await exists(
            "SELECT 1 FROM inbox WHERE status = \(InboxStatus.inFlight.sql) AND claimed_at <= ? LIMIT 1", [time])
    }

    /// One page of `/incremental`: lines after `since`, in receipt order, never beyond the first
    /// message still open (so a later poll cannot find an earlier message it skipped). `next` is
    /// the last sequence number looked at (rows without a line — refused, before the cut-off —
    /// are passed over).
    func incremental(since: Int64, limit: Int) async throws -> (lines: [String], next: Int64) {
        try await pool.read { db in
            let barrier =
                try Int64.fetchOne(db, sql: "SELECT min(seq) FROM inbox WHERE status IN \(InboxStatus.open)")
                ?? Int64.max
            var lines: [String] = []
            var next = since
            while lines.count < limit {
                let rows = try Row.fetchAll(
                    db, sql: "SELECT seq, line FROM inbox WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?",
                    arguments: [next, barrier, limit - lines.count])
                guard let last = rows.last else { break }
                lines += rows.compactMap { $0["line"] as String? }
                next = last["seq"]
            }
            return (lines, next)
        }
    }
}
