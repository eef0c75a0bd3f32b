import Clocks
import Testing

@testable import MigrationCore

/// The throttle's actor on a clock the test moves: no sleeps, no wall-clock assertions.
@Suite struct RateLimiterTests {
    typealias Limiter = RateLimiter<TestClock<Duration>>

    /// Records the instant each caller was let through, in the order they were.
    actor Ledger {
        var passed: [(Int, TestClock<Duration>.Instant)] = []
        func pass(_ caller: Int, at instant: TestClock<Duration>.Instant) { passed.append((caller, instant)) }
        var callers: [Int] { passed.map(\.0) }
        /// The callers once `count` have passed (a woken caller may need a few turns of the
        /// executor to record itself, more on a busy machine), or as many as did by then.
        func callers(once count: Int) async -> [Int] {
            for _ in 0..<10_000 where passed.count < count { await Task.yield() }
            return callers
        }
        var instants: [TestClock<Duration>.Instant] { passed.map(\.1) }
    }

    /// A limiter at `rate` per second (no headroom, no jitter) on a fresh test clock, and an empty ledger.
    static func bench(rate: Double = 10) -> (clock: TestClock<Duration>, limiter: Limiter, ledger: Ledger) {
        let clock = TestClock()
        return (clock, Limiter(rate: rate, headroom: 0, jitter: .zero, clock: clock), Ledger())
    }

    /// Starts `callers` acquires one after another (each has reserved before the next starts).
    static func start<C: Clock>(
        _ callers: Range<Int>, on limiter: RateLimiter<C>, clock: C, ledger: Ledger
    ) async -> [Task<Void, any Error>] where C.Instant == TestClock<Duration>.Instant {
        var tasks: [Task<Void, any Error>] = []
        for caller in callers {
            let before = limiter.granted
            tasks.append(
                Task {
                    try await limiter.acquire()
                    await ledger.pass(caller, at: clock.now)
                })
            while limiter.granted == before { await Task.yield() }
        }
        return tasks
    }

    @Test func callersPassInTheOrderTheyReservedAtTheBucketsPace() async throws {
        let (clock, limiter, ledger) = Self.bench()
        let tasks = await Self.start(0..<5, on: limiter, clock: clock, ledger: ledger)
        // The first goes at once; the others sleep until their own instant, 100 ms apart.
        await clock.advance(by: .zero)
        #expect(await ledger.callers(once: 1) == [0])
        await clock.advance(by: .milliseconds(99))
        #expect(await ledger.callers(once: 1) == [0])
        await clock.advance(by: .milliseconds(1))
        #expect(await ledger.callers(once: 2) == [0, 1])
        for passed in 3...5 {
            await clock.advance(by: .milliseconds(100))
            #expect(await ledger.callers(once: passed) == Array(0..<passed))
        }
        for task in tasks { try await task.value }
        let start = clock.now.advanced(by: .milliseconds(-400))
        #expect(await ledger.instants == (0..<5).map { start.advanced(by: .milliseconds(100 * $0)) })
    }

    /// A process that may follow a killed one sends nothing for one window (1 s + jitter), then
    /// at the usual pace.
    @Test func heldOffOneWindowTheFirstCallWaitsAWindowThenThePaceGoesOn() async throws {
        // No jitter: the window is one second, the pace 10/s.
        let (clock, limiter, ledger) = Self.bench()
        limiter.holdOffOneWindow()
        let tasks = await Self.start(0..<3, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .milliseconds(999))
        #expect(await ledger.callers(once: 1).isEmpty)
        await clock.advance(by: .milliseconds(1))
        #expect(await ledger.callers(once: 1) == [0])
        await clock.advance(by: .milliseconds(100))
        #expect(await ledger.callers(once: 2) == [0, 1])
        await clock.advance(by: .milliseconds(100))
        for task in tasks { try await task.value }
        let start = clock.now.advanced(by: .milliseconds(-1200))
        #expect(await ledger.instants == [1000, 1100, 1200].map { start.advanced(by: .milliseconds($0)) })
    }

    @Test func aCancelledWaiterGivesItsTokenBack() async throws {
        let (clock, limiter, ledger) = Self.bench()
        var tasks = await Self.start(0..<3, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .zero)
        // The last waiter (due at 200 ms) gives up before its turn.
        tasks[2].cancel()
        await #expect(throws: CancellationError.self) { try await tasks[2].value }
        #expect(limiter.granted == 2)
        // A newcomer takes the freed instant, not the one after it.
        tasks += await Self.start(3..<4, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .milliseconds(200))
        try await tasks[1].value
        try await tasks[3].value
        #expect(await ledger.callers(once: 3) == [0, 1, 3])
        #expect(await ledger.instants.last == clock.now)
    }

    @Test func fortyCallersAtOnceMakeNoSecondBusierThanTheRate() async throws {
        let (clock, limiter, ledger) = Self.bench(rate: 20)
        let tasks = await Self.start(0..<40, on: limiter, clock: clock, ledger: ledger)
        // 10 ms steps, each caller given its turns to record the instant it passed at.
        for step in 0...250 {
            await clock.advance(by: .milliseconds(step == 0 ? 0 : 10))
            _ = await ledger.callers(once: min(40, 1 + step / 5))
        }
        for task in tasks { try await task.value }
        let instants = await ledger.instants
        #expect(instants.count == 40)
        #expect(TokenBucketTests.maxPerSecond(instants) <= 20)
        #expect(await ledger.callers == Array(0..<40))
    }

    @Test func thePaceIsTheRateOverOneSecondPlusTheJitter() async {
        let clock = TestClock()
        #expect(Limiter(rate: 20, headroom: 0.02, jitter: .milliseconds(250), clock: clock).steadyRate == 16)
        #expect(Limiter(rate: 20, headroom: 0.02, jitter: .zero, clock: clock).steadyRate == 19.6)
    }

    @Test func theSendWindowHoldsCallsThatBunchedAfterAStall() async throws {
        // Rate 5 and 250 ms of jitter: at most 5 sends within 1.25 s, and the bucket paces 4/s
        // (0, 250, 500, … ms), which the window never holds. Then the process stalls from 200 to
        // 1000 ms: the callers due at 250, 500 and 750 wake at 1000 with the one due then, five
        // sends within 1.25 s already. The one due at 1250 may go (the send at 0 has left the
        // window); the one due at 1500 is held until the first send at 1000 leaves it, at 2250 —
        // and no one-second window of arrivals, each up to 250 ms late, holds more than 5.
        let base = TestClock()
        let t0 = base.now
        let stall = t0.advanced(by: .milliseconds(200))..<t0.advanced(by: .seconds(1))
        let clock = StallingClock(base: base, stalls: [stall])
        let limiter = RateLimiter(rate: 5, headroom: 0, jitter: .milliseconds(250), clock: clock)
        let ledger = Ledger()
        let tasks = await Self.start(0..<7, on: limiter, clock: clock, ledger: ledger)
        await base.advance(by: .zero)
        #expect(await ledger.callers(once: 1) == [0])
        await base.advance(by: .milliseconds(999))
        #expect(await ledger.callers.count == 1)
        await base.advance(by: .milliseconds(1))
        #expect(Set(await ledger.callers(once: 5)) == Set(0..<5))
        await base.advance(by: .milliseconds(250))
        #expect(await ledger.callers(once: 6).count == 6)
        await base.advance(by: .milliseconds(250))
        await base.advance(by: .milliseconds(749))
        #expect(await ledger.callers.count == 6)
        await base.advance(by: .milliseconds(1))
        for task in tasks { try await task.value }
        let sends = await ledger.instants
        let expected = [0, 1_000, 1_000, 1_000, 1_000, 1_250, 2_250].map { Duration.milliseconds($0) }
        #expect(sends.map { t0.duration(to: $0) } == expected)
        // Every way of delaying each call by 0 or 250 ms keeps every second of arrivals at 5 or fewer.
        for pattern in 0..<(1 << sends.count) {
            let arrivals = sends.enumerated().map {
                $0.element.advanced(by: pattern >> $0.offset & 1 == 1 ? .milliseconds(250) : .zero)
            }
            #expect(TokenBucketTests.maxPerSecond(arrivals.sorted()) <= 5)
        }
    }

    @Test func a416PausesEveryCallerForThePenalty() async throws {
        let (clock, limiter, ledger) = Self.bench()
        var tasks = await Self.start(0..<1, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .zero)
        try await tasks[0].value
        limiter.penalize(pause: .seconds(10))
        #expect(limiter.currentRate == 5)
        tasks = await Self.start(1..<2, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .milliseconds(9_999))
        #expect(await ledger.callers(once: 1) == [0])
        await clock.advance(by: .milliseconds(1))
        try await tasks[0].value
        #expect(await ledger.callers(once: 2) == [0, 1])
    }

    @Test func aBackoffPauseWaitsOnTheThrottlesClock() async throws {
        let clock = TestClock()
        let limiter = Limiter(rate: 10, clock: clock)
        let done = Ledger()
        let task = Task {
            try await limiter.pause(for: .seconds(5))
            await done.pass(0, at: clock.now)
        }
        await clock.advance(by: .milliseconds(4_999))
        #expect(await done.callers.isEmpty)
        await clock.advance(by: .milliseconds(1))
        try await task.value
        #expect(await done.callers(once: 1) == [0])
    }
}

/// A test clock on which the process stalls: a sleep due inside a stall ends at the stall's end,
/// so every caller due in it wakes at once, as after a real stall.
struct StallingClock: Clock {
    typealias Instant = TestClock<Duration>.Instant
    let base: TestClock<Duration>
    let stalls: [Range<Instant>]

    var now: Instant { base.now }
    var minimumResolution: Duration { base.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let end = stalls.first { $0.contains(deadline) }?.upperBound ?? deadline
        try await base.sleep(until: end, tolerance: tolerance)
    }
}
