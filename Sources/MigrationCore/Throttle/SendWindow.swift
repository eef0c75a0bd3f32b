/// The throttle's last guard: when the last `capacity` calls were actually sent.
///
/// The token bucket spaces its grants, but a caller that wakes late — the process stalled, the
/// machine was busy — sends late, and late calls bunch with the ones on time: NIM once counted 102
/// calls in one second from a run paced at 98 per second. This window holds a call that would
/// make more than `capacity` sends within `length` (a second plus a margin for the network's
/// jitter) until the oldest of them has left it. Calls paced by the bucket never wait here: at
/// `rate · (1 − headroom)` per second, `capacity` calls take longer than `length`.
public struct SendWindow<Instant: InstantProtocol>: Sendable, Equatable where Instant.Duration == Duration {
    public let capacity: Int
    public let length: Duration
    /// The last `capacity` send instants, oldest at `oldest` once full (a ring).
    private var sent: [Instant] = []
    private var oldest = 0

    /// At most `capacity` calls within `length`.
    public init(capacity: Int, length: Duration = .milliseconds(1_010)) {
        self.capacity = max(1, capacity)
        self.length = length
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
