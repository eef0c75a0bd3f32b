import Clocks
import Testing

@testable import MigrationCore

/// The pull's per-family throttle and hour keys, on a clock the test moves.
@Suite struct PullThrottleTests {
    actor Times {
        var instants: [Duration] = []
        func add(_ instant: Duration) { instants.append(instant) }
        /// The instants once `count` calls have passed (a woken caller may need a few turns of the
        /// executor to record itself, more on a busy machine).
        func once(_ count: Int) async -> [Duration] {
            for _ in 0..<100_000 where instants.count < count { await Task.yield() }
            return instants.sorted()
        }
    }

    /// Starts `count` acquires and returns once each has reserved its instant.
    static func start(
        _ count: Int, _ throttle: WindowThrottle<TestClock<Duration>>, _ clock: TestClock<Duration>, _ times: Times
    ) async -> [Task<Void, any Error>] {
        let origin = clock.now
        let tasks = (0..<count).map { _ in
            Task {
                try await throttle.acquire()
                await times.add(origin.duration(to: clock.now))
            }
        }
        for _ in 0..<100_000 where await throttle.reservations < count { await Task.yield() }
        return tasks
    }

    /// Seven calls at "3 in any second": three at once, three a second later, one a second after.
    @Test func atMostTheLimitInAnyWindowAndNoSlack() async throws {
        let clock = TestClock()
        let throttle = WindowThrottle(limit: 3, window: .seconds(1), clock: clock)
        let times = Times()
        let tasks = await Self.start(7, throttle, clock, times)
        await clock.advance(by: .zero)
        #expect(await times.once(3) == [.zero, .zero, .zero])
        await clock.advance(by: .milliseconds(999))
        #expect(await times.instants.count == 3)
        await clock.advance(by: .milliseconds(1))
        #expect(await times.once(6) == [.zero, .zero, .zero, .seconds(1), .seconds(1), .seconds(1)])
        await clock.advance(by: .seconds(1))
        #expect(await times.once(7).last == .seconds(2))
        for task in tasks { try await task.value }
    }

    /// A 429's pause holds every later call of the family until it ends.
    @Test func aPauseHoldsTheFamily() async throws {
        let clock = TestClock()
        let throttle = WindowThrottle(limit: 10, window: .seconds(1), clock: clock)
        await throttle.pause(for: .seconds(5))
        let times = Times()
        let tasks = await Self.start(1, throttle, clock, times)
        await clock.advance(by: .milliseconds(4999))
        #expect(await times.instants.isEmpty)
        await clock.advance(by: .milliseconds(1))
        #expect(await times.once(1) == [.seconds(5)])
        for task in tasks { try await task.value }
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
