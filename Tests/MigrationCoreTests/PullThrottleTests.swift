import Clocks
import Testing

@testable import MigrationCore

/// The pull's per-family throttle and hour keys, on a clock the test moves.
@Suite struct PullThrottleTests {
    actor Times {
        var instants: [Duration] = []
        func add(_ instant: Duration) { instants.append(instant) }
    }

    /// Seven calls at "3 in any second": three at once, three a second later, one a second after.
    @Test func atMostTheLimitInAnyWindowAndNoSlack() async throws {
        let clock = TestClock()
        let start = clock.now
        let throttle = WindowThrottle(limit: 3, window: .seconds(1), clock: clock)
        let times = Times()
        let tasks = (0..<7).map { _ in
            Task {
                try await throttle.acquire()
                await times.add(start.duration(to: clock.now))
            }
        }
        for _ in 0..<200 { await Task.yield() }
        await clock.run()
        for task in tasks { try await task.value }
        let instants = await times.instants.sorted()
        #expect(instants == [.zero, .zero, .zero, .seconds(1), .seconds(1), .seconds(1), .seconds(2)])
    }

    /// A 429's pause holds every later call of the family until it ends.
    @Test func aPauseHoldsTheFamily() async throws {
        let clock = TestClock()
        let start = clock.now
        let throttle = WindowThrottle(limit: 10, window: .seconds(1), clock: clock)
        await throttle.pause(for: .seconds(5))
        let times = Times()
        let task = Task {
            try await throttle.acquire()
            await times.add(start.duration(to: clock.now))
        }
        for _ in 0..<200 { await Task.yield() }
        await clock.run()
        try await task.value
        #expect(await times.instants == [.seconds(5)])
    }

    @Test func hourKeysFollowTheCalendarInTheirZone() throws {
        let beijing = 8 * 3600
        let key = try #require(HourKey("2017060517"))
        #expect(key.startMs(offset: beijing) == 1_496_653_200_000)
        #expect(HourKey(containing: 1_496_653_200_000 + 3_599_999, offset: beijing).text == "2017060517")
        #expect(HourKey(containing: 1_496_653_200_000, offset: 0).text == "2017060509")
        #expect(try #require(HourKey("2016022823")).next(offset: beijing).text == "2016022900")
        #expect(try #require(HourKey("2026123123")).next(offset: 0).text == "2027010100")
        #expect(HourKey("2017023010") == nil && HourKey("2017061324") == nil && HourKey("201706051") == nil)
        #expect(EasemobPullConfig.offset("+08:00") == beijing && EasemobPullConfig.offset("-05:30") == -19_800)
        #expect(EasemobPullConfig.offset("UTC") == 0 && EasemobPullConfig.offset("8") == nil)
    }
}
