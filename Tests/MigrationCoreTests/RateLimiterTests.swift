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

    /// Starts `callers` acquires one after another (each has reserved before the next starts).
    static func start(
        _ callers: Range<Int>, on limiter: Limiter, clock: TestClock<Duration>, ledger: Ledger
    ) async -> [Task<Void, any Error>] {
        var tasks: [Task<Void, any Error>] = []
        for caller in callers {
            let before = await limiter.granted
            tasks.append(
                Task {
                    try await limiter.acquire()
                    await ledger.pass(caller, at: clock.now)
                })
            while await limiter.granted == before { await Task.yield() }
        }
        return tasks
    }

    @Test func callersPassInTheOrderTheyReservedAtTheBucketsPace() async throws {
        let clock = TestClock()
        let limiter = Limiter(rate: 10, headroom: 0, clock: clock)
        let ledger = Ledger()
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

    @Test func aCancelledWaiterGivesItsTokenBack() async throws {
        let clock = TestClock()
        let limiter = Limiter(rate: 10, headroom: 0, clock: clock)
        let ledger = Ledger()
        var tasks = await Self.start(0..<3, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .zero)
        // The last waiter (due at 200 ms) gives up before its turn.
        tasks[2].cancel()
        await #expect(throws: CancellationError.self) { try await tasks[2].value }
        #expect(await limiter.granted == 2)
        // A newcomer takes the freed instant, not the one after it.
        tasks += await Self.start(3..<4, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .milliseconds(200))
        try await tasks[1].value
        try await tasks[3].value
        #expect(await ledger.callers(once: 3) == [0, 1, 3])
        #expect(await ledger.instants.last == clock.now)
    }

    @Test func fortyCallersAtOnceMakeNoSecondBusierThanTheRate() async throws {
        let clock = TestClock()
        let limiter = Limiter(rate: 20, headroom: 0, clock: clock)
        let ledger = Ledger()
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

    @Test func theSendWindowHoldsACallTheBucketAloneWouldLetThrough() async throws {
        // Without headroom the bucket grants 5 calls/s exactly: 0, 200, …, 800, 1000 ms. The
        // sixth would make 6 sends within the window's 1.01 s (the margin for the network's
        // jitter), so it waits for the first to leave the window: 1010 ms; the seventh, 1210.
        let clock = TestClock()
        let limiter = Limiter(rate: 5, headroom: 0, clock: clock)
        let ledger = Ledger()
        let tasks = await Self.start(0..<7, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .zero)
        for passed in 2...5 {
            await clock.advance(by: .milliseconds(200))
            #expect(await ledger.callers(once: passed) == Array(0..<passed))
        }
        await clock.advance(by: .milliseconds(200))
        await clock.advance(by: .milliseconds(9))
        #expect(await ledger.callers.count == 5)
        await clock.advance(by: .milliseconds(1))
        #expect(await ledger.callers(once: 6).count == 6)
        await clock.advance(by: .milliseconds(199))
        #expect(await ledger.callers.count == 6)
        await clock.advance(by: .milliseconds(1))
        for task in tasks { try await task.value }
        let start = clock.now.advanced(by: .milliseconds(-1_210))
        #expect(await ledger.instants.map { start.duration(to: $0) } == [0, 200, 400, 600, 800, 1_010, 1_210].map { .milliseconds($0) })
    }

    @Test func a416PausesEveryCallerForThePenalty() async throws {
        let clock = TestClock()
        let limiter = Limiter(rate: 10, headroom: 0, clock: clock)
        let ledger = Ledger()
        var tasks = await Self.start(0..<1, on: limiter, clock: clock, ledger: ledger)
        await clock.advance(by: .zero)
        try await tasks[0].value
        await limiter.penalize(pause: .seconds(10))
        #expect(await limiter.currentRate == 5)
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
