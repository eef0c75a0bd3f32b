/// The frequency-control decision of the emulator, as a pure value (no clock, no I/O).
///
/// Design: NIM answers 416 to the call that would exceed its per-second quota and then
/// blocks the API for a penalty period. The gate keeps two sliding one-second windows of
/// instants: the *accepted* calls, which decide admission (a call is refused when `limit`
/// calls were already accepted in the last second), and *all* arrivals, whose largest
/// population is reported as `maxPerSecond` (the figure a client's throttle is judged by).
/// A refused call does not enter the accepted window. The penalty starts at a refusal caused
/// by the window and is not extended by calls refused during it.
struct RateGate<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    /// What to do with one arriving call.
    enum Decision: Sendable, Equatable {
        /// Within quota: serve it.
        case accepted
        /// Over quota or in the penalty period: answer 416 and change nothing.
        case throttled
    }

    /// Calls accepted in any one-second window.
    let limit: Int
    /// How long every call is refused after an over-quota call.
    let penalty: Duration

    private var accepted = InstantWindow<Instant>()
    private var arrivals = InstantWindow<Instant>()
    private var penaltyUntil: Instant?
    /// The most calls that arrived within one second so far, refused ones included.
    private(set) var maxPerSecond = 0

    /// A gate admitting `limit` calls per sliding second, then refusing everything for `penalty`.
    init(limit: Int, penalty: Duration) {
        self.limit = max(0, limit)
        self.penalty = penalty
    }

    /// Registers a call arriving at `now` and decides its fate.
    mutating func admit(at now: Instant) -> Decision {
        let horizon = now.advanced(by: .seconds(-1))
        arrivals.evict(notAfter: horizon)
        arrivals.append(now)
        maxPerSecond = max(maxPerSecond, arrivals.count)

        if let until = penaltyUntil {
            if now < until { return .throttled }
            penaltyUntil = nil
        }
        accepted.evict(notAfter: horizon)
        guard accepted.count < limit else {
            if penalty > .zero { penaltyUntil = now.advanced(by: penalty) }
            return .throttled
        }
        accepted.append(now)
        return .accepted
    }
}

/// Instants in arrival order, with cheap eviction from the front.
struct InstantWindow<Instant: InstantProtocol>: Sendable where Instant: Sendable {
    private var instants: [Instant] = []
    private var head = 0

    /// Number of instants in the window.
    var count: Int { instants.count - head }

    /// Adds the newest instant.
    mutating func append(_ instant: Instant) {
        instants.append(instant)
    }

    /// Drops every instant at or before `horizon`.
    mutating func evict(notAfter horizon: Instant) {
        while head < instants.count, instants[head] <= horizon { head += 1 }
        if head > 1024, head * 2 > instants.count {
            instants.removeFirst(head)
            head = 0
        }
    }
}
