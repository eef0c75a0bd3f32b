internal import MigrationCore

/// How a message or an event waits for an account, team or friendship that an event may still
/// create (SPEC §7 `serve.dependency_wait`), for the sender and the event worker alike: it goes back
/// to its queue marked waiting — woken when any event is applied, looked at again every 5 s at the
/// latest — and fails once the wait, counted from its receipt, is over.
struct DependencyWait: Sendable {
    /// `serve.dependency_wait`, ms.
    let waitMs: Int64
    /// Looked at again at least this often while waiting, ms.
    static let recheckMs: Int64 = 5_000

    /// What becomes of an item that still waits.
    enum Verdict: Sendable, Equatable {
        /// Back to the queue until `at`, waiting.
        case recheck(at: Int64, CallFailure)
        /// The wait is over: failed for good.
        case giveUp(CallFailure)
    }

    /// Whether the wait of an item received at `receivedAt` is over at `now` (its last chance: a
    /// `group.created` then leaves out the members that still do not exist).
    func isOver(receivedAt: Int64, now: Int64) -> Bool {
        now >= receivedAt + waitMs
    }

    /// An item received at `receivedAt` that needs `missing`; `over` when its last chance was taken.
    func verdict(_ missing: String, receivedAt: Int64, over: Bool, now: Int64) -> Verdict {
        guard !over else {
            return .giveUp(.local(missing + " (waited \(waitMs / 1000) s: no event created it)"))
        }
        return .recheck(
            at: min(receivedAt + waitMs, now + Self.recheckMs), .local("waits: " + missing, retryable: true))
    }
}
