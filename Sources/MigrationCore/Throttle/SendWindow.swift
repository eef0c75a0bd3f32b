/// The throttle's last guard: when the last `capacity` calls were actually sent.
///
/// The token bucket spaces its grants, but a caller that wakes late — the process stalled, the
/// machine was busy — sends late, and late calls bunch with the ones on time: NIM once counted 102
/// calls in one second from a run paced at 98 per second. This window holds a call that would
/// make more than `capacity` sends within `length` until the oldest of them has left it.
///
/// **Why `length` is one second plus the jitter** (issue 18). NIM counts a call when it *arrives*,
/// by its own clock, not when we sent it: a burst that left 1.01 s apart can arrive inside one
/// second. Write s for the instant a call is recorded here and a = s + d for the instant NIM's
/// counter sees it; d is the network's delay plus everything between this record and NIM's
/// counter (our executor, the HTTP client's event loop, NIM's own front end). Only the *spread*
/// of d matters — a delay every call shares shifts every arrival alike — so say every d lies in
/// [d₀, d₀ + J]. Take any `capacity + 1` calls and, by send order, the first, i, and the last, k:
/// they are at least `capacity` sends apart, so this window held k until s_k ≥ s_i + `length`,
/// and
///
///     a_k − a_i = (s_k − s_i) + (d_k − d_i) ≥ length − J.
///
/// With `length = 1 s + J` that is ≥ 1 s, and two arrivals a second or more apart never share
/// one of NIM's one-second windows (t − 1 s, t]: no second of NIM's clock holds more than
/// `capacity` calls, however the calls were bunched on our side and however the network
/// reordered them. The price is the pace: the window lets `capacity` calls through per
/// `length`, so at most `capacity / (1 s + J)` per second are sustained — 100 / 1.05 = 95.2 at
/// J = 50 ms — and the bucket is set to that pace (``TokenBucket/init(rate:headroom:window:)``)
/// so that calls it paces never wait here; only calls that bunched after a stall do.
///
/// J (`throttle.jitter_ms`, default 50 ms) must cover the whole spread of d. Most of it is the
/// network's jitter, which the operator knows (or measures: the spread of round-trip times to
/// NIM). Our own part — the thread wake-ups from this record to the wire (the caller's executor,
/// the HTTP client's event loop), short and varying with the machine's load — gets no allowance
/// of its own inside the default: each millisecond of window costs 0.09 % of the pace at 100/s
/// (5 ms would cost half a point of fidelity on every call), and an overshoot needs more than a
/// local delay past J — the calls near *both* edges of one second must also have drawn opposite
/// extremes of the network's jitter at once. `make bench` measures that edge: the emulator's
/// jitter (0–50 ms) equal to J, its limit equal to the rate, every core busy. A machine loaded
/// far beyond its cores stalls calls between record and wire by tens of milliseconds; there,
/// raise `throttle.jitter_ms` by the stalls expected (a 416 costs ten seconds of calls).
public struct SendWindow<Instant: InstantProtocol>: Sendable, Equatable where Instant.Duration == Duration {
    /// The tool's default arrival jitter, `throttle.jitter_ms: 50`.
    public static var defaultJitter: Duration { .milliseconds(50) }

    public let capacity: Int
    public let length: Duration
    /// The last `capacity` send instants, oldest at `oldest` once full (a ring).
    private var sent: [Instant] = []
    private var oldest = 0

    /// At most `capacity` calls within `length`.
    public init(capacity: Int, length: Duration) {
        self.capacity = max(1, capacity)
        self.length = max(length, .milliseconds(1))
    }

    /// The window for `rate` calls per second on NIM's arrival clock when each call's delay to
    /// NIM's counter varies by at most `jitter`: `⌊rate⌋` calls within `1 s + jitter`.
    public init(rate: Double, jitter: Duration) {
        self.init(capacity: Int(rate.rounded(.down)), length: .seconds(1) + max(jitter, .zero))
    }

    /// The fastest steady pace that never waits here: `capacity` calls per `length`, per second.
    public var pace: Double {
        Double(capacity) / (Double(length.components.seconds) + Double(length.components.attoseconds) / 1e18)
    }

    /// The instant a call may be sent, asked at `now`: `now` itself unless the window is full.
    public func earliest(now: Instant) -> Instant {
        guard sent.count == capacity else { return now }
        return max(now, sent[oldest].advanced(by: length))
    }

    /// Records a call sent at `instant` (no earlier than ``earliest(now:)`` allowed).
    public mutating func record(_ instant: Instant) {
        if sent.count < capacity {
            sent.append(instant)
        } else {
            sent[oldest] = instant
            oldest = (oldest + 1) % capacity
        }
    }
}
