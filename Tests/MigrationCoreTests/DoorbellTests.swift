import Testing

@testable import MigrationCore

/// The bell serve's workers wait on instead of polling their queues and the stop flag.
@Suite struct DoorbellTests {
    /// Whether `body` finished before a long fallback (a broken bell would leave it waiting).
    static func finishesFirst(_ body: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test func aRingWakesTheWaiterAndARingWithNobodyWaitingIsKept() async {
        let bell = Doorbell()
        bell.ring()
        #expect(await Self.finishesFirst { await bell.wait(atMost: .seconds(600)) }, "the earlier ring was kept")
        let waiter = Task { await bell.wait(atMost: .seconds(600)) }
        #expect(
            await Self.finishesFirst {
                while true {
                    bell.ring()  // until the waiter is there to take it
                    if await Self.finishesFirst({ await waiter.value }) { return }
                }
            })
    }

    @Test func aStopRingsWhoeverWaitsForIt() async {
        let stop = StopSignal()
        let bell = Doorbell()
        stop.onRequest { bell.ring() }
        let waiter = Task { await bell.wait(atMost: .seconds(600)) }
        stop.request()
        #expect(await Self.finishesFirst { await waiter.value })
        // Asked after the stop: runs at once.
        let late = Doorbell()
        stop.onRequest { late.ring() }
        #expect(await Self.finishesFirst { await late.wait(atMost: .seconds(600)) })
    }

    @Test func withoutARingTheWaitEndsAtItsBound() async {
        #expect(await Self.finishesFirst { await Doorbell().wait(atMost: .milliseconds(10)) })
    }
}
