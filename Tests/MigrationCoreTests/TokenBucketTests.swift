import ExportGenerator
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
        var window = SendWindow<ContinuousClock.Instant>(capacity: 100, length: .milliseconds(1_010))
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

    /// The window's arithmetic (``SendWindow``): `⌊rate⌋` calls per `1 s + jitter`, and the bucket
    /// paced no faster than that — 100 / 1.05 = 95.24 calls/s at the default 50 ms.
    @Test func theBucketIsPacedNoFasterThanTheWindowLetsCallsThrough() {
        typealias Instant = ContinuousClock.Instant
        let window = SendWindow<Instant>(rate: 100, jitter: .milliseconds(50))
        #expect(window.capacity == 100 && window.length == .milliseconds(1_050))
        #expect(abs(window.pace - 100 / 1.05) < 1e-9)
        #expect(abs(TokenBucket(rate: 100, headroom: 0.02, window: window).steadyRate - 100 / 1.05) < 1e-9)
        // A window shorter than the headroom's pace leaves the headroom in charge.
        let short = SendWindow<Instant>(rate: 100, jitter: .milliseconds(10))
        #expect(TokenBucket(rate: 100, headroom: 0.02, window: short).steadyRate == 98)
        #expect(TokenBucket<Instant>(rate: 100, headroom: 0.02).steadyRate == 98)
        #expect(SendWindow<Instant>(rate: 99.9, jitter: .zero).capacity == 99)
        #expect(SendWindow<Instant>(rate: 20, jitter: .milliseconds(250)).pace == 16)
    }

    /// Calls the bucket paces are never held by the window, however many ask at once.
    @Test func bucketPacedCallsNeverWaitAtTheWindow() {
        var window = SendWindow<ContinuousClock.Instant>(rate: 100, jitter: .milliseconds(50))
        var bucket = TokenBucket(rate: 100, window: window)
        let t0 = ContinuousClock.now
        for _ in 0..<1_000 {
            let grant = bucket.reserve(now: t0)
            #expect(window.earliest(now: grant) == grant)
            window.record(grant)
        }
    }

    /// Sends as a stalled process makes them (the bucket's grants, woken late and bunched), through
    /// the window, for `rate` 100 and `jitter` J.
    static func stalledSends(jitter: Duration, window length: Duration? = nil, headroom: Double = 0.02)
        -> [ContinuousClock.Instant]
    {
        typealias Instant = ContinuousClock.Instant
        var window = SendWindow<Instant>(rate: 100, jitter: jitter)
        if let length { window = SendWindow(capacity: 100, length: length) }
        var bucket = TokenBucket(rate: 100, headroom: headroom, window: window)
        let t0 = ContinuousClock.now
        let stalls = [
            (t0 + .milliseconds(1_500), t0 + .milliseconds(1_800)), (t0 + .seconds(3), t0 + .milliseconds(3_060)),
            (t0 + .milliseconds(4_200), t0 + .milliseconds(4_235)),
        ]
        var sends: [Instant] = []
        for _ in 0..<800 {
            var wake = bucket.reserve(now: t0)
            for (start, end) in stalls where wake >= start && wake < end { wake = end }
            wake = max(wake, sends.last ?? wake)
            let send = window.earliest(now: wake)
            window.record(send)
            sends.append(send)
        }
        return sends
    }

    /// NIM counts arrivals, each a send plus a delay in [0, J]: whatever the delays, no one-second
    /// window of arrivals holds more than the rate. The proof's premise is that any 101 sends span
    /// at least 1 s + J; seeded random delays check the conclusion, and the old window (1.01 s, at
    /// 98 % of the rate) fails the same delays.
    @Test func noSecondOfArrivalsExceedsTheRateWhateverTheDelaysWithinTheJitter() {
        let jitter = Duration.milliseconds(50)
        let sends = Self.stalledSends(jitter: jitter)
        for index in sends.indices.dropFirst(100) {
            #expect(sends[index - 100].duration(to: sends[index]) >= .seconds(1) + jitter)
        }
        func busiest(_ sends: [ContinuousClock.Instant], seed: UInt64) -> Int {
            var random = SplitMix64(seed: seed)
            let arrivals = sends.map { $0 + .microseconds(Int64.random(in: 0...50_000, using: &random)) }.sorted()
            return Self.maxPerSecond(arrivals)
        }
        for seed in 1...20 as ClosedRange<UInt64> {
            #expect(busiest(sends, seed: seed) <= 100, "seed \(seed)")
        }
        // Worst case: the first call of every second-and-a-bit delayed by J, the rest not at all.
        let adversarial = sends.enumerated().map { $0.element + ($0.offset % 100 == 0 ? jitter : .zero) }.sorted()
        #expect(Self.maxPerSecond(adversarial) <= 100)
        let old = Self.stalledSends(jitter: .zero, window: .milliseconds(1_010))
        #expect((1...20 as ClosedRange<UInt64>).contains { busiest(old, seed: $0) > 100 })
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
