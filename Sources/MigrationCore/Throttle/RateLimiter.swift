/// The one throttle of a process: every HTTP attempt to NIM, retries included, takes a token here.
///
/// The actor only does arithmetic (``TokenBucket``, ``SendWindow``); the waiting happens outside
/// it, one `sleep(until:)` on the injected clock per acquire with no polling and no refill task
/// (a second one only when a stall made calls bunch). A caller cancelled while it sleeps gives
/// its token back. Tests drive it with a test clock; the tool runs it on `ContinuousClock`.
public actor RateLimiter<C: Clock> where C.Duration == Duration {
    private var bucket: TokenBucket<C.Instant>
    private var window: SendWindow<C.Instant>
    private let clock: C
    /// Calls granted so far (cancelled ones given back).
    public private(set) var granted = 0

    /// `rate` calls per second across everything that shares this limiter, on `clock`, and on
    /// the target's arrival clock when each call's delay to its counter varies by at most
    /// `jitter` (see ``SendWindow`` for the arithmetic): paced at `min(rate · (1 − headroom),
    /// ⌊rate⌋ / (1 s + jitter))`.
    public init(
        rate: Double, headroom: Double = 0.02, jitter: Duration = SendWindow<C.Instant>.defaultJitter, clock: C
    ) {
        let window = SendWindow<C.Instant>(rate: rate, jitter: jitter)
        self.window = window
        bucket = TokenBucket(rate: rate, headroom: headroom, window: window)
        self.clock = clock
    }

    /// Waits for this caller's token.
    public func acquire() async throws {
        let current = clock.now
        let instant = bucket.reserve(now: current)
        granted += 1
        if instant > current {
            do {
                try await clock.sleep(until: instant, tolerance: .milliseconds(1))
            } catch {
                bucket.cancel(instant, now: clock.now)
                granted -= 1
                throw error
            }
        }
        // The call goes out when the caller gets here, which a stall may have made late.
        while true {
            let sendNow = clock.now
            let earliest = window.earliest(now: sendNow)
            if earliest <= sendNow {
                window.record(sendNow)
                return
            }
            do {
                try await clock.sleep(until: earliest, tolerance: .milliseconds(1))
            } catch {
                granted -= 1
                throw error
            }
        }
    }

    /// Lets no call out before one send window (`1 s + jitter`) from now. For a process that may
    /// follow one killed a moment ago on the same AppKey (serve restarted after a kill -9): it
    /// cannot know what that one sent in its last second, and NIM counts both. A window apart, no
    /// second of NIM's arrival clock holds calls of both (``SendWindow``'s argument, across the
    /// two processes); the price is one window of quiet at start, which it returns.
    @discardableResult
    public func holdOffOneWindow() -> Duration {
        bucket.hold(until: clock.now.advanced(by: window.length))
        return window.length
    }

    /// Waits `duration` on the throttle's clock (a retry's backoff), throwing when cancelled.
    public nonisolated func pause(for duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }

    /// NIM said 416: everybody pauses for `pause`, and the rate drops until calm returns.
    public func penalize(pause: Duration) {
        bucket.penalize(now: clock.now, pause: pause)
    }

    /// The rate granted now (for reports and tests).
    public var currentRate: Double { bucket.currentRate }

    /// The pace without a 416: `min(rate · (1 − headroom), ⌊rate⌋ / (1 s + jitter))`.
    public var steadyRate: Double { bucket.steadyRate }
}

extension RateLimiter where C == ContinuousClock {
    /// The tool's throttle, on the continuous clock.
    public init(rate: Double, headroom: Double = 0.02, jitter: Duration = SendWindow<C.Instant>.defaultJitter) {
        self.init(rate: rate, headroom: headroom, jitter: jitter, clock: ContinuousClock())
    }
}
