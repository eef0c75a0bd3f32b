internal import MigrationCore

/// Serve's own retry timing, through the core's ``RetryPolicy`` (its arithmetic, without jitter:
/// serve's queues are durable and each row keeps its own time). A message or a CC that failed for
/// now backs off 0.5 s doubling to at most 30 s; an event is looked at again after 1 s; a claim
/// held for the order of its conversation or scope after 250 ms.
enum ServeRetry {
    /// A message to NIM (by its attempt number) or a CC to the old server (by its failures).
    static let delivery = RetryPolicy(baseDelay: .milliseconds(500), maxDelay: .seconds(30))
    /// An event that failed for now.
    static let event = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(1))
    /// A claim that waits for an earlier message or change of its conversation, ms.
    static let orderRecheckMs: Int64 = 250

    /// The instant (ms) to try again at, `now` plus `policy`'s backoff after attempt `attempt`.
    static func at(_ now: Int64, after attempt: Int, _ policy: RetryPolicy) -> Int64 {
        let (seconds, attoseconds) = policy.backoff(after: attempt, jitter: 1).components
        return now + seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
