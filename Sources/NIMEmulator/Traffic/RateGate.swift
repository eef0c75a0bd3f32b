/// The frequency-control decision of the emulator, as a pure value (no clock, no I/O).
///
/// Design: NIM answers 416 to the call that would exceed its per-second quota and then
/// blocks the API for a penalty period. The gate keeps two sets of instants: the *accepted*
/// calls, which decide admission (a call is refused when accepting it would put more than
/// `limit` accepted calls in some one-second window (t − 1 s, t]), and *all* arrivals, whose
/// largest population in one second is reported as `maxPerSecond` (the figure a client's
/// throttle is judged by). A refused call does not enter the accepted set. The penalty starts
/// at a refusal caused by the window and is not extended by calls refused during it.
///
/// Calls are judged by their arrival instant, which the caller stamps: with the network's
/// jitter (``ArrivalJitter``) a call may be handed over after one that arrived later, so
/// instants may come out of order (by up to ``reorderAllowance``), and every window an
/// arrival falls in is counted, not only the one ending at it.
struct RateGate<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    /// What to do with one arriving call.
    enum Decision: Sendable, Equatable {
        /// Within quota: serve it.
        case accepted
        /// Over quota or in the penalty period: answer 416 and change nothing.
        case throttled
    }

    /// How much earlier than the latest instant seen an instant may still be handed over and
    /// counted exactly (the emulator's jitter is at most 10 s, `EmulatorConfiguration.maxArrivalJitterMs`).
    static var reorderAllowance: Duration { .seconds(11) }

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
        arrivals.insert(now)
        maxPerSecond = max(maxPerSecond, arrivals.busiestSecond(containing: now))
        arrivals.evict(before: arrivals.latest.advanced(by: .zero - Self.reorderAllowance))

        if let until = penaltyUntil, now < until { return .throttled }
        accepted.evict(before: arrivals.latest.advanced(by: .zero - Self.reorderAllowance))
        guard accepted.busiestSecond(containing: now, adding: true) <= limit else {
            if penalty > .zero { penaltyUntil = now.advanced(by: penalty) }
            return .throttled
        }
        accepted.insert(now)
        return .accepted
    }
}

/// Instants in ascending order, with cheap eviction from the front and cheap insertion near the
/// back (where nearly every instant goes).
struct InstantWindow<Instant: InstantProtocol>: Sendable where Instant: Sendable, Instant.Duration == Duration {
    private var instants: [Instant] = []
    private var head = 0

    /// Number of instants held.
    var count: Int { instants.count - head }

    /// The latest instant held (only asked after an insert).
    var latest: Instant { instants[instants.count - 1] }

    /// Adds an instant in its place.
    mutating func insert(_ instant: Instant) {
        var index = instants.count
        while index > head, instants[index - 1] > instant { index -= 1 }
        instants.insert(instant, at: index)
    }

    /// Drops every instant before `horizon`.
    mutating func evict(before horizon: Instant) {
        while head < instants.count, instants[head] < horizon { head += 1 }
        if head > 1024, head * 2 > instants.count {
            instants.removeFirst(head)
            head = 0
        }
    }

    /// The most instants in one window (u − 1 s, u] that contains `instant`, counting `instant`
    /// once more when `adding` (the population it would make if it were inserted). Those windows
    /// are most crowded when they end at `instant` or at a later instant less than a second
    /// after it; in order, there is none later and this is one binary search.
    func busiestSecond(containing instant: Instant, adding: Bool = false) -> Int {
        let extra = adding ? 1 : 0
        let last = instant.advanced(by: .seconds(1))
        var best = population(endingAt: instant) + extra
        var index = firstIndex(after: instant)
        while index < instants.count, instants[index] < last {
            best = max(best, population(endingAt: instants[index]) + extra)
            index += 1
        }
        return best
    }

    /// The number of instants in (u − 1 s, u].
    private func population(endingAt u: Instant) -> Int {
        firstIndex(after: u) - firstIndex(after: u.advanced(by: .seconds(-1)))
    }

    /// The index of the first instant later than `instant` (binary search).
    private func firstIndex(after instant: Instant) -> Int {
        var low = head
        var high = instants.count
        while low < high {
            let middle = (low + high) / 2
            if instants[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
