/// The one throttle of a process: every HTTP attempt to NIM, retries included, takes a token here.
///
/// The actor only does arithmetic (``TokenBucket``, ``SendWindow``); the waiting happens outside
/// it, one `sleep(until:)` per acquire with no polling and no refill task (a second one only when a
/// stall made calls bunch). A caller cancelled while it sleeps for the bucket gives its token back.
public actor RateLimiter {
    private var bucket: TokenBucket
    private var window: SendWindow
    private let now: @Sendable () -> ContinuousClock.Instant
    private(set) var granted = 0

    /// `rate` calls per second across everything that shares this limiter.
    public init(rate: Double, headroom: Double = 0.02) {
        bucket = TokenBucket(rate: rate, headroom: headroom)
        window = SendWindow(capacity: Int(rate.rounded(.down)))
        now = { ContinuousClock.now }
    }

    /// Waits for this caller's token.
    public func acquire() async throws {
        let current = now()
        let instant = bucket.reserve(now: current)
        granted += 1
        if instant > current {
            do {
                try await Self.sleep(until: instant)
            } catch {
                bucket.cancel(instant, now: now())
                granted -= 1
                throw error
            }
        }
        // The call goes out when the caller gets here, which a stall may have made late.
        while true {
            let sendNow = now()
            let earliest = window.earliest(now: sendNow)
            if earliest <= sendNow {
                window.record(sendNow)
                return
            }
            do {
                try await Self.sleep(until: earliest)
            } catch {
                granted -= 1
                throw error
            }
        }
    }

    private nonisolated static func sleep(until instant: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: instant, tolerance: .milliseconds(1))
    }

    /// NIM said 416: everybody pauses for `pause`, and the rate drops until calm returns.
    public func penalize(pause: Duration) {
        bucket.penalize(now: now(), pause: pause)
    }

    /// The rate granted now (for reports and tests).
    public var currentRate: Double { bucket.currentRate }
}
