/// Admission of one family's calls: at most `limit` calls in any window of `windowMs`.
///
/// A pure value: the arrival instants (monotonic milliseconds) of the calls admitted in the
/// last window. A call is admitted when fewer than `limit` were admitted in the window ending at
/// its arrival; a refused call is not counted (Easemob answers it 429 and nothing happens).
struct SlidingWindow: Sendable {
    /// Calls admitted per window.
    var limit: Int
    /// The window's length in milliseconds.
    let windowMs: Int64
    private var admitted: [Int64] = []
    private var head = 0

    /// An empty window.
    init(limit: Int, windowMs: Int64) {
        self.limit = limit
        self.windowMs = windowMs
    }

    /// Whether a call arriving at `nowMs` is admitted (and counts it if so).
    mutating func admit(at nowMs: Int64) -> Bool {
        while head < admitted.count && admitted[head] <= nowMs - windowMs { head += 1 }
        if head > 1024 {
            admitted.removeFirst(head)
            head = 0
        }
        guard admitted.count - head < limit else { return false }
        admitted.append(nowMs)
        return true
    }
}
