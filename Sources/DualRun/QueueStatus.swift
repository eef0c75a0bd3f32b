/// The `status` column of one of serve's tables, as an enum: SQL names a status through it
/// (`status = \(InboxStatus.sent.sql)`, `status IN \(EventStatus.open)`), never as a bare number.
protocol QueueStatus: RawRepresentable<Int>, Sendable {}

extension QueueStatus {
    /// The stored value, as SQL text.
    var sql: String { String(rawValue) }

    /// A list for `IN`: `(0, 1)`.
    static func sql(_ statuses: Self...) -> String {
        "(" + statuses.map(\.sql).joined(separator: ", ") + ")"
    }
}

/// The status of a queue whose rows are claimed (``OrderedQueue``): waiting, then in work.
protocol ClaimedStatus: QueueStatus {
    /// Waiting to be claimed (also after a retryable failure, with `next_at`).
    static var pending: Self { get }
    /// Claimed: in work. Found at start, it was left by a dead process.
    static var inFlight: Self { get }
}

extension ClaimedStatus {
    /// Pending or in work, for `IN`: not settled yet.
    static var open: String { sql(.pending, .inFlight) }
}
