/// The throttle's arithmetic, as a pure value: who may call when.
///
/// Design (GCRA form of a token bucket, after golang.org/x/time/rate): `theoreticalArrival` is
/// the instant the bucket would be empty again; a reservation is granted at
/// `max(now, theoreticalArrival − (burst − 1)·interval)` and pushes it on by one interval. Each
/// caller is told its own instant (no "next caller pays"), in reservation order.
///
/// Window bound: in any one-second window a bucket grants at most `burst + rate_eff · 1 s` calls.
/// ``init(rate:headroom:window:)`` therefore runs at `rate · (1 − headroom)` with `burst = 1`, so
/// the configured rate is never exceeded in any sliding second of *our* clock while the achieved
/// rate stays near `1 − headroom` of it. NIM counts by its arrival clock, after the network's
/// jitter; the ``SendWindow`` that guards that clock lets at most `capacity` calls through per
/// `1 s + jitter`, and the bucket never runs faster than that (`min(rate · (1 − headroom),
/// capacity / length)`: 95.2/s at 100/s and 50 ms), so calls it paces never wait at the window.
///
/// Feedback: ``penalize(now:pause:)`` (NIM answered 416) blocks every reservation until the
/// pause is over and halves the rate; ``recover(now:)`` raises it again by a tenth of the
/// configured rate per second of calm until it is back at the configured value.
public struct TokenBucket<Instant: InstantProtocol>: Sendable, Equatable where Instant.Duration == Duration {
    /// The configured calls per second (the window bound).
    public let configuredRate: Double
    /// Calls per second the bucket grants now (lowered after a 416).
    public private(set) var currentRate: Double
    /// The steady rate: `configuredRate · (1 − headroom)`, and no faster than `window`'s pace.
    public let steadyRate: Double
    public let burst: Int
    private var theoreticalArrival: Instant?
    private var lastRecovery: Instant?

    /// `rate` less `headroom`, and no faster than `window` lets calls through (when given).
    /// The calls per second a throttle at `rate` sustains with arrival jitter `jitter` (the pace a
    /// plan's time estimate uses: 95.2/s at 100/s and 50 ms).
    public static func pace(rate: Double, headroom: Double = 0.02, jitter: Duration) -> Double {
        TokenBucket(rate: rate, headroom: headroom, window: SendWindow(rate: rate, jitter: jitter)).steadyRate
    }

    public init(rate: Double, headroom: Double = 0.02, window: SendWindow<Instant>? = nil) {
        configuredRate = rate
        steadyRate = min(rate * (1 - min(max(headroom, 0), 0.5)), window?.pace ?? .infinity)
        currentRate = steadyRate
        burst = 1
    }

    /// Time between two grants at the current rate, rounded up to the nanosecond (at the
    /// window's pace, `capacity` intervals then fill its length exactly, never a hair less).
    public var interval: Duration { .nanoseconds(Int64((1e9 / currentRate).rounded(.up))) }

    /// Reserves one call and returns the instant it may be made.
    public mutating func reserve(now: Instant) -> Instant {
        recover(now: now)
        let tat = max(theoreticalArrival ?? now, now)
        let tolerance = interval * (burst - 1)
        let granted = max(now, tat.advanced(by: .zero - tolerance))
        theoreticalArrival = tat.advanced(by: interval)
        return granted
    }

    /// Gives back a reservation that will not be used (its caller was cancelled while waiting).
    public mutating func cancel(_ granted: Instant, now: Instant) {
        guard granted > now, let tat = theoreticalArrival else { return }
        theoreticalArrival = max(now, tat.advanced(by: .zero - interval))
    }

    /// Grants nothing before `instant` (the rate unchanged).
    public mutating func hold(until instant: Instant) {
        theoreticalArrival = max(theoreticalArrival ?? instant, instant)
    }

    /// NIM answered 416: nobody calls before `now + pause`, and the rate is halved.
    public mutating func penalize(now: Instant, pause: Duration) {
        currentRate = max(currentRate / 2, configuredRate / 16)
        theoreticalArrival = max(theoreticalArrival ?? now, now.advanced(by: pause))
        lastRecovery = now.advanced(by: pause)
    }

    /// Raises a lowered rate by a tenth of the configured rate per second elapsed.
    public mutating func recover(now: Instant) {
        guard currentRate < steadyRate else { return }
        guard let last = lastRecovery else {
            lastRecovery = now
            return
        }
        let elapsed = last.duration(to: now)
        guard elapsed >= .seconds(1) else { return }
        let seconds = Double(elapsed.components.seconds)
        currentRate = min(steadyRate, currentRate + configuredRate * 0.1 * seconds)
        lastRecovery = now
    }
}
