internal import Foundation
internal import GRDB

/// One pause of a run: the target stopped answering at `startedAt` (ms), for `seconds`, and the
/// run went on (`resumed`), gave up (`gave up`), or is still waiting (`waiting`).
public struct TargetPause: Sendable, Codable, Equatable {
    public var startedAt: Int64
    public var cause: String
    public var seconds: Double?
    public var outcome: String

    /// `2026-12-01 14:02:11 UTC, 63 s, resumed: transport: connection reset`.
    public var text: String {
        let start = Date(timeIntervalSince1970: Double(startedAt) / 1000)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let length = seconds.map { String(format: "%.0f s", $0) } ?? "still waiting"
        return "\(formatter.string(from: start)) UTC, \(length), \(outcome): \(cause)"
    }
}

extension StateDatabase {
    /// Records the start of a pause, or how it ended.
    public func recordPause(_ pause: TargetPause) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO target_pause (started_at, cause, seconds, outcome) VALUES (?, ?, ?, ?)",
                arguments: [pause.startedAt, pause.cause, pause.seconds, pause.outcome])
        }
    }

    /// The pauses that started in `[from, to]` (ms; `to` nil: until now), oldest first.
    public func pauses(from: Int64 = 0, to: Int64? = nil) async throws -> [TargetPause] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM target_pause WHERE started_at >= ? AND (? IS NULL OR started_at <= ?)
                    ORDER BY started_at
                    """, arguments: [from, to, to]
            ).map {
                TargetPause(
                    startedAt: $0["started_at"], cause: $0["cause"], seconds: $0["seconds"], outcome: $0["outcome"])
            }
        }
    }

    /// When run `id` started and ended (ms).
    public func runSpan(_ id: Int64) async throws -> (start: Int64, end: Int64?)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT started_at, ended_at FROM run WHERE id = ?", arguments: [id]).map {
                ($0["started_at"], $0["ended_at"])
            }
        }
    }
}
