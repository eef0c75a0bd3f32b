import Testing

@testable import MigrationCore

@Suite struct TokenBucketTests {
    /// The largest number of instants in any half-open one-second window.
    static func maxPerSecond<I: InstantProtocol<Duration>>(_ instants: [I]) -> Int {
        var best = 0
        var start = 0
        for end in instants.indices {
            while instants[start].duration(to: instants[end]) >= .seconds(1) { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    @Test(arguments: [10.0, 100.0, 250.0])
    func noSlidingSecondExceedsTheRateEvenWhenEveryoneAsksAtOnce(rate: Double) {
        var bucket = TokenBucket<ContinuousClock.Instant>(rate: rate)
        let t0 = ContinuousClock.now
        let grants = (0..<Int(rate * 5)).map { _ in bucket.reserve(now: t0) }
        #expect(grants == grants.sorted(), "served in reservation order")
        #expect(Self.maxPerSecond(grants) <= Int(rate))
        // Sustained rate: within 3% of the configured one.
        let span = grants[grants.count - 1] - grants[0]
        let achieved =
            Double(grants.count - 1) / (Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18)
        #expect(achieved >= rate * 0.97 && achieved <= rate)
    }

    @Test func callsBunchedByAStallStillMakeNoSecondBusierThanTheRate() {
        var bucket = TokenBucket<ContinuousClock.Instant>(rate: 100)
        var window = SendWindow<ContinuousClock.Instant>(capacity: 100)
        let t0 = ContinuousClock.now
        let grants = (0..<600).map { _ in bucket.reserve(now: t0) }
        // Each caller sends when it wakes; the process stalls for 300 ms twice, and every caller
        // whose grant fell in a stall wakes at its end, all at once.
        let stalls = [
            (t0 + .milliseconds(1_500), t0 + .milliseconds(1_800)), (t0 + .seconds(3), t0 + .milliseconds(3_300)),
        ]
        var sends: [ContinuousClock.Instant] = []
        for grant in grants {
            var wake = grant
            for (start, end) in stalls where wake >= start && wake < end { wake = end }
            wake = max(wake, sends.last ?? wake)
            let send = window.earliest(now: wake)
            window.record(send)
            sends.append(send)
        }
        #expect(Self.maxPerSecond(sends) <= 100)
        // Without the window, the same wake-ups would have made a busier second.
        var unguarded: [ContinuousClock.Instant] = []
        for grant in grants {
            var wake = grant
            for (start, end) in stalls where wake >= start && wake < end { wake = end }
            unguarded.append(max(wake, unguarded.last ?? wake))
        }
        #expect(Self.maxPerSecond(unguarded) > 100)
        // Calls on time are never held: the first stall-free second and a half went out as granted.
        #expect(zip(grants, sends).prefix(140).allSatisfy { $0 == $1 })
    }

    @Test func callersArrivingSlowlyAreNotDelayed() {
        var bucket = TokenBucket<ContinuousClock.Instant>(rate: 100)
        let t0 = ContinuousClock.now
        for step in 0..<10 {
            let now = t0 + .milliseconds(50 * step)
            #expect(bucket.reserve(now: now) == now)
        }
    }

    @Test func a416PausesEveryoneHalvesTheRateAndItRecovers() {
        var bucket = TokenBucket<ContinuousClock.Instant>(rate: 100)
        let t0 = ContinuousClock.now
        _ = bucket.reserve(now: t0)
        bucket.penalize(now: t0, pause: .seconds(10))
        #expect(bucket.currentRate == 49)
        let next = bucket.reserve(now: t0 + .seconds(1))
        #expect(next >= t0 + .seconds(10))
        _ = bucket.reserve(now: t0 + .seconds(13))
        #expect(bucket.currentRate > 49)
        _ = bucket.reserve(now: t0 + .seconds(30))
        #expect(bucket.currentRate == bucket.steadyRate)
    }

    @Test func aCancelledReservationIsGivenBack() {
        var bucket = TokenBucket<ContinuousClock.Instant>(rate: 10)
        let t0 = ContinuousClock.now
        _ = bucket.reserve(now: t0)
        let second = bucket.reserve(now: t0)
        bucket.cancel(second, now: t0)
        #expect(bucket.reserve(now: t0) == second)
    }

    @Test func backoffGrowsWithJitterAndIsCapped() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(2))
        #expect(policy.backoff(after: 1, jitter: 1) == .milliseconds(100))
        #expect(policy.backoff(after: 3, jitter: 1) == .milliseconds(400))
        #expect(policy.backoff(after: 3, jitter: 0) == .milliseconds(200))
        #expect(policy.backoff(after: 20, jitter: 1) == .seconds(2))
    }
}
