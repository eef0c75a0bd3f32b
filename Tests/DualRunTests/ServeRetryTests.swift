import MigrationCore
import Testing

@testable import DualRun

/// Serve's timing, now through ``RetryPolicy`` and ``DependencyWait``: the same instants the
/// sender, the event worker and the forwarder computed by hand before (issue 26, point 5).
@Suite struct ServeRetryTests {
    @Test(arguments: 1...20) func aMessageBacksOffHalfASecondDoublingToThirtySeconds(attempt: Int) {
        let before = Int64(min(30_000, 500 << min(attempt - 1, 10)))
        #expect(ServeRetry.at(1_000, after: attempt, ServeRetry.delivery) == 1_000 + before)
    }

    @Test(arguments: 0...20) func aCCBacksOffByItsFailures(failures: Int) {
        let before = Int64(min(30_000, 500 << min(failures, 10)))
        #expect(ServeRetry.at(0, after: failures + 1, ServeRetry.delivery) == before)
    }

    @Test func anEventIsLookedAtAgainAfterOneSecond() {
        for attempt in 1...20 { #expect(ServeRetry.at(7, after: attempt, ServeRetry.event) == 1_007) }
    }

    @Test func aDependencyIsRecheckedEveryFiveSecondsUntilTheWaitIsOver() {
        let wait = DependencyWait(waitMs: 60_000)
        #expect(!wait.isOver(receivedAt: 1_000, now: 60_999))
        #expect(wait.isOver(receivedAt: 1_000, now: 61_000))
        #expect(
            wait.verdict("user 'x' is not in NIM yet", receivedAt: 1_000, over: false, now: 2_000)
                == .recheck(at: 7_000, .local("waits: user 'x' is not in NIM yet", retryable: true)))
        #expect(
            wait.verdict("x", receivedAt: 1_000, over: false, now: 59_000)
                == .recheck(at: 61_000, .local("waits: x", retryable: true)))
        guard case .giveUp(let failure) = wait.verdict("x", receivedAt: 1_000, over: true, now: 61_000) else {
            Issue.record("the wait is over")
            return
        }
        #expect(failure.reason == "x (waited 60 s: no event created it)")
        #expect(!failure.retryable)
    }
}
