/// When to try a NIM call again, and how long to wait.
///
/// 416 waits out NIM's penalty (10 s per the frequency-control page) and slows the shared
/// throttle; 5xx, timeouts and dropped connections back off exponentially with jitter; parameter
/// errors (414 and the other 4xx/8xx codes) are never retried. A call that is not idempotent is
/// retried only when it surely did not run (416, a refused connection); otherwise its error is
/// marked ambiguous and the stage reconciles by reading the target back.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// How long NIM blocks after a 416.
    public var throttlePause: Duration

    public init(
        maxAttempts: Int = 8, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(20),
        throttlePause: Duration = .seconds(10)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.throttlePause = throttlePause
    }

    /// The wait before attempt `attempt + 1` after a retryable failure; `jitter` in 0...1.
    public func backoff(after attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 16)
        let raw = baseDelay * (1 << exponent)
        let capped = min(raw, maxDelay)
        return capped * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// NIM codes (in a 200 answer) that mean "busy, try later".
    public static let transientCodes: Set<Int> = [416, 500, 503, 514]
}
