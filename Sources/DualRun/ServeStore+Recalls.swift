internal import Foundation
internal import GRDB

/// What a `message.recalled` event needs of serve's queues: the inbox row of the recalled message,
/// and the record of the recalls this bridge made (so their CCs are not echoed to the old server).
extension ServeStore {
    /// Records, before the call, the NIM msgid a recall is about to recall (so its CC is known as
    /// this bridge's own).
    func markRecall(event seq: Int64, msgid: Int64) async throws {
        try await change("UPDATE event SET nim_msgid = ? WHERE seq = ?", [msgid, seq])
    }

    /// Whether NIM's message `msgid` was recalled (or is being recalled) by this bridge.
    func isOwnRecall(_ msgid: Int64) async throws -> Bool {
        try await exists("SELECT 1 FROM event WHERE nim_msgid = ? LIMIT 1", [msgid])
    }

    /// Whether a recall of the message with this source key is stored and not failed. (A recall
    /// that names no createTime — Easemob's — targets the key's prefix `msgid|from|`.)
    func isRecalled(_ key: String) async throws -> Bool {
        try await exists(
            """
            SELECT 1 FROM event WHERE status IN \(EventStatus.sql(.pending, .inFlight, .applied)) AND target_key IS NOT NULL
            AND (target_key = ?1 OR (substr(target_key, -1) = '|' AND ?1 LIKE target_key || '%')) LIMIT 1
            """, [key])
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
        try await change(
            """
            UPDATE inbox SET status = \(InboxStatus.skipped.sql), reason = 'recalled on the old server before it was sent', settled_at = ?1
            WHERE (source_key = ?2 OR (substr(?2, -1) = '|' AND source_key LIKE ?2 || '%')) AND status = \(InboxStatus.pending.sql)
            """, [now, key]) > 0
    }
}
