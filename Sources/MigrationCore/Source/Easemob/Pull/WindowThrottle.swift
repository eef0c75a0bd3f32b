/// At most `limit` calls in any `window` (Easemob's limits: 50 a second, 10 a minute), and no call
/// at all while a 429 pause lasts — the pull's own throttle, one per family of Easemob's APIs;
/// NIM's shared bucket is never touched by a pull.
///
/// Design note: a call reserves the instant it may start (the `limit`-th earlier reservation plus
/// the window, or now, or the pause's end, whichever is last) and sleeps outside the actor until
/// then; reservations are monotone, so every window of `window` holds at most `limit` of them.
/// A pause that begins after a call reserved its instant is checked again when the call wakes.
actor WindowThrottle<C: Clock> where C.Duration == Duration {
    let limit: Int
    let window: Duration
    private let clock: C
    private var reserved: [C.Instant] = []
    private var pausedUntil: C.Instant?

    init(limit: Int, window: Duration, clock: C) {
        self.limit = max(1, limit)
        self.window = window
        self.clock = clock
    }

    /// Reservations handed out (for tests: every caller has reserved once this many have).
    var reservations: Int { handedOut }
    private var handedOut = 0

    /// Waits until one more call fits the window and no pause holds.
    func acquire() async throws {
        while true {
            let start = reserve()
            try await clock.sleep(until: start, tolerance: nil)
            if let pausedUntil, pausedUntil > clock.now {
                release(start)
                continue
            }
            return
        }
    }

    /// No call starts before `duration` from now (a 429 `reach_limit`: Easemob sends no Retry-After).
    func pause(for duration: Duration) {
        let until = clock.now.advanced(by: duration)
        if pausedUntil.map({ $0 < until }) ?? true { pausedUntil = until }
    }

    private func reserve() -> C.Instant {
        var start = clock.now
        if let pausedUntil, pausedUntil > start { start = pausedUntil }
        if reserved.count >= limit {
            let bound = reserved[reserved.count - limit].advanced(by: window)
            if bound > start { start = bound }
        }
        if let last = reserved.last, last > start { start = last }
        reserved.append(start)
        handedOut += 1
        if reserved.count > limit * 4 { reserved.removeFirst(reserved.count - limit) }
        return start
    }

    /// Gives back a reservation that a pause made useless (it never became a call).
    private func release(_ instant: C.Instant) {
        if let index = reserved.lastIndex(of: instant) { reserved.remove(at: index) }
    }
}
