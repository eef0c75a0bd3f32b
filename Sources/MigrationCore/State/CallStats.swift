/// REST call counts of one endpoint: attempts, retries among them, 416 answers, final failures.
public struct CallStats: Sendable, Equatable, Codable {
    public var calls = 0
    public var retries = 0
    public var throttled = 0
    public var failures = 0

    public init(calls: Int = 0, retries: Int = 0, throttled: Int = 0, failures: Int = 0) {
        self.calls = calls
        self.retries = retries
        self.throttled = throttled
        self.failures = failures
    }

    static func + (lhs: CallStats, rhs: CallStats) -> CallStats {
        CallStats(
            calls: lhs.calls + rhs.calls, retries: lhs.retries + rhs.retries,
            throttled: lhs.throttled + rhs.throttled, failures: lhs.failures + rhs.failures)
    }

    static func += (lhs: inout CallStats, rhs: CallStats) { lhs = lhs + rhs }
}
