internal import Synchronization

/// The one throttle of a process: every HTTP attempt to NIM, retries included, takes a token here.
///
/// The actor only does arithmetic (``TokenBucket``, ``SendWindow``); the waiting happens outside
/// it, one `sleep(until:)` on the injected clock per acquire with no polling and no refill task
/// (a second one only when a stall made calls bunch). A caller cancelled while it sleeps gives
/// its token back. Tests drive it with a test clock; the tool runs it on `ContinuousClock`.
///
/// A lock, not an actor: every attempt passes here, and the arithmetic under the lock is a few
/// comparisons — an actor made every call hop executors (issue 27). The clock is read under the
/// lock, so reservations and sends are recorded in the order of their instants.
public final class RateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var bucket: TokenBucket<C.Instant>
        var window: SendWindow<C.Instant>
        var granted = 0
    }

    private let state: Mutex<State>
    private let clock: C
    /// The length of the send window (``SendWindow/length``).
    private let windowLength: Duration
    /// Calls granted so far (cancelled ones given back).
    public var granted: Int { state.withLock { $0.granted } }

    /// `rate` calls per second across everything that shares this limiter, on `clock`, and on
    /// the target's arrival clock when each call's delay to its counter varies by at most
    /// `jitter` (see ``SendWindow`` for the arithmetic): paced at `min(rate · (1 − headroom),
    /// ⌊rate⌋ / (1 s + jitter))`.
    public init(
        rate: Double, headroom: Double = 0.02, jitter: Duration = SendWindow<C.Instant>.defaultJitter, clock: C
    ) {
        let window = SendWindow<C.Instant>(rate: rate, jitter: jitter)
        state = Mutex(State(bucket: TokenBucket(rate: rate, headroom: headroom, window: window), window: window))
        windowLength = window.length
        self.clock = clock
    }

    /// Waits for this caller's token.
    public func acquire() async throws {
        let (current, instant) = state.withLock { state in
            let current = clock.now
            state.granted += 1
            return (current, state.bucket.reserve(now: current))
        }
        if instant > current {
            do {
                try await clock.sleep(until: instant, tolerance: .milliseconds(1))
            } catch {
                state.withLock { state in
                    state.bucket.cancel(instant, now: clock.now)
                    state.granted -= 1
                }
                throw error
            }
        }
        // The call goes out when the caller gets here, which a stall may have made late.
        while true {
            let earliest: C.Instant? = state.withLock { state in
                let sendNow = clock.now
                let earliest = state.window.earliest(now: sendNow)
                guard earliest <= sendNow else { return earliest }
                state.window.record(sendNow)
                return nil
            }
            guard let earliest else { return }
            do {
                try await clock.sleep(until: earliest, tolerance: .milliseconds(1))
            } catch {
                state.withLock { $0.granted -= 1 }
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
        state.withLock { $0.bucket.hold(until: clock.now.advanced(by: windowLength)) }
        return windowLength
    }

    /// Waits `duration` on the throttle's clock (a retry's backoff), throwing when cancelled.
    public func pause(for duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }

    /// NIM said 416: everybody pauses for `pause`, and the rate drops until calm returns.
    public func penalize(pause: Duration) {
        state.withLock { $0.bucket.penalize(now: clock.now, pause: pause) }
    }

    /// The rate granted now (for reports and tests).
    public var currentRate: Double { state.withLock { $0.bucket.currentRate } }

    /// The pace without a 416: `min(rate · (1 − headroom), ⌊rate⌋ / (1 s + jitter))`.
    public var steadyRate: Double { state.withLock { $0.bucket.steadyRate } }
}

extension RateLimiter where C == ContinuousClock {
    /// The tool's throttle, on the continuous clock.
    public convenience init(
        rate: Double, headroom: Double = 0.02, jitter: Duration = SendWindow<C.Instant>.defaultJitter
    ) {
        self.init(rate: rate, headroom: headroom, jitter: jitter, clock: ContinuousClock())
    }
}
