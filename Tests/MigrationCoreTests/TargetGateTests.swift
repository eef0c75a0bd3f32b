import Clocks
import Foundation
import Synchronization
import Testing

@testable import MigrationCore

/// The target's pause, probe and give-up on a test clock: a 60 s outage takes no time.
@Suite struct TargetGateTests {
    /// What the gate reported, in order.
    final class Reports: Sendable {
        let events = Mutex<[String]>([])
        let probes = Mutex(0)
        func record(_ event: TargetGate.Event) {
            let text: String =
                switch event {
                case .paused(_, let cause): "paused: \(cause)"
                case .resumed(_, let seconds, _): "resumed after \(Int(seconds)) s"
                case .halted(let halt): "halted: \(halt)"
                }
            events.withLock { $0.append(text) }
        }

        /// A probe counted in `probes`, answered from its `n`th call on (never when nil).
        func probe(answeringFrom n: Int?) -> @Sendable () async -> Bool {
            { [self] in
                let count = self.probes.withLock {
                    $0 += 1
                    return $0
                }
                return n.map { count >= $0 } ?? false
            }
        }
    }

    /// A gate that pauses after 3 target failures in a row, waits out 60 s, probes every 3 s.
    static func gate(_ clock: TestClock<Duration>, _ reports: Reports) -> TargetGate {
        TargetGate(
            threshold: 3, outageWait: .seconds(60), probeEvery: .seconds(3), clock: clock, events: reports.record)
    }

    /// Lets the gate's probe task run until `probes` probes were made (a woken task may need many
    /// turns of the executor on a busy machine), or gives up after 10,000 turns.
    static func settle(_ reports: Reports, probes: Int) async {
        for _ in 0..<10_000 where reports.probes.withLock({ $0 }) < probes { await Task.yield() }
        for _ in 0..<20 { await Task.yield() }  // and reach its next sleep
    }

    @Test func aPauseEndsWhenAProbeIsAnsweredAndReleasesTheWaiters() async throws {
        let clock = TestClock()
        let reports = Reports()
        let gate = Self.gate(clock, reports)
        let probe = reports.probe(answeringFrom: 3)
        #expect(gate.failed(cause: "connection refused", probe: probe) == false)
        #expect(gate.failed(cause: "connection refused", probe: probe) == false)
        #expect(gate.failed(cause: "connection refused", probe: probe) == true)
        let waiter = Task { try await gate.admit(endpoint: "user/create.action") }
        await Self.settle(reports, probes: 1)
        #expect(gate.pausedSince != nil)
        #expect(reports.probes.withLock { $0 } == 1)  // the first probe goes at once
        await clock.advance(by: .seconds(3))
        await Self.settle(reports, probes: 2)
        #expect(reports.probes.withLock { $0 } == 2)
        #expect(gate.pausedSince != nil)
        await clock.advance(by: .seconds(3))
        try await waiter.value  // released, not failed
        #expect(gate.pausedSince == nil)
        #expect(reports.events.withLock { $0 } == ["paused: connection refused", "resumed after 6 s"])
    }

    @Test func anOutageLongerThanTheWaitHaltsTheRunAndNothingMoreIsAdmitted() async throws {
        let clock = TestClock()
        let reports = Reports()
        let gate = Self.gate(clock, reports)
        let probe = reports.probe(answeringFrom: nil)
        for _ in 0..<3 { _ = gate.failed(cause: "HTTP 503", probe: probe) }
        let waiter = Task { try await gate.admit(endpoint: "team/create.action") }
        await Self.settle(reports, probes: 1)
        for probe in 2...21 {
            await clock.advance(by: .seconds(3))
            await Self.settle(reports, probes: probe)
        }
        await #expect(throws: CallFailure.self) { try await waiter.value }
        #expect(reports.probes.withLock { $0 } == 21)  // at 0, 3, …, 60 s
        let events = reports.events.withLock { $0 }
        #expect(events.count == 2)
        #expect(events.last?.hasPrefix("halted: ") == true)
        await #expect(throws: CallFailure.self) { try await gate.admit(endpoint: "user/create.action") }
    }
}
