public import Foundation
internal import Synchronization

/// Whether the target answers, as the one client sees it (SPEC §5 "The run, not the item").
///
/// Design: the client reports every attempt's fate. A run of `threshold` failures of the target
/// itself — connections refused or cut, timeouts, 5xx — with no answer between them opens a pause:
/// every call waits at ``admit()`` instead of failing its item, and a probe (one cheap read through
/// the same throttle) runs every `probeEvery` until the target answers, which ends the pause and
/// releases the waiters (the throttle paces them: no burst). A pause longer than `outageWait`
/// halts the run (exit 3, resumable). Credentials refused halt it at once (exit 2): no further
/// call is made, and the items stay pending.
///
/// A lock, not an actor: every call passes ``admit(endpoint:)`` and ``answered()``, and while the
/// target answers neither suspends nor hops to another executor (issue 27).
public final class TargetGate: Sendable {
    /// What changed, for the progress line, the state database and the stop signal.
    public enum Event: Sendable {
        case paused(since: Date, cause: String)
        case resumed(since: Date, seconds: Double, cause: String)
        case halted(RunHalt)
    }

    private struct State {
        var failures = 0
        var pause: (start: Duration, since: Date, cause: String)?
        var halt: RunHalt?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let threshold: Int
    let outageWait: Duration
    let probeEvery: Duration
    /// Time since the gate was made, and a sleep, on the injected clock (tests: swift-clocks'
    /// `TestClock`, so an outage of minutes takes no time).
    private let elapsed: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private let events: @Sendable (Event) -> Void
    private let state = Mutex(State())

    public init<C: Clock>(
        threshold: Int, outageWait: Duration, probeEvery: Duration = .seconds(3), clock: C = ContinuousClock(),
        events: @escaping @Sendable (Event) -> Void = { _ in }
    ) where C.Duration == Duration {
        self.threshold = max(threshold, 3)
        self.outageWait = outageWait
        self.probeEvery = probeEvery
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleep = { try await clock.sleep(for: $0) }
        self.events = events
    }

    /// Waits while the target is down; throws when the run is halted.
    public func admit(endpoint: String) async throws(CallFailure) {
        while true {
            await state.wait {
                $0.pause == nil || $0.halt != nil
            } park: {
                $0.waiters.append($1)
            }
            let (halt, paused) = state.withLock { ($0.halt, $0.pause != nil) }
            if let halt { throw CallFailure.halting(halt, endpoint: endpoint) }
            if !paused { return }
        }
    }

    /// The target answered (anything NIM says, an error about the item included).
    public func answered() {
        state.withLock { $0.failures = 0 }
    }

    /// The target itself failed an attempt; returns whether calls are now held (the attempt is
    /// then not counted against the call's retries).
    public func failed(cause: String, probe: @escaping @Sendable () async -> Bool) -> Bool {
        let opened: Date?
        let held: Bool
        (held, opened) = state.withLock { state -> (Bool, Date?) in
            if state.halt != nil { return (false, nil) }
            if state.pause != nil { return (true, nil) }
            state.failures += 1
            guard state.failures >= threshold else { return (false, nil) }
            let since = Date()
            state.pause = (elapsed(), since, cause)
            return (true, since)
        }
        if let opened {
            events(.paused(since: opened, cause: cause))
            Task { await self.probeUntilBack(probe) }
        }
        return held
    }

    /// The credentials were refused: the run stops, nothing more is sent.
    public func refuse(_ reason: String) {
        stop(.credentials(reason))
    }

    /// Whether calls are held now, and since when.
    public var pausedSince: Date? { state.withLock { $0.pause?.since } }

    private func probeUntilBack(_ probe: @escaping @Sendable () async -> Bool) async {
        // The first probe goes at once (a target that only hiccuped ends the pause right away),
        // then one every `probeEvery`.
        var first = true
        while let current = state.withLock({ $0.halt == nil ? $0.pause : nil }) {
            if !first { try? await sleep(probeEvery) }
            first = false
            if await probe() {
                let seconds = (elapsed() - current.start).seconds
                let waiting = state.withLock { state in
                    state.pause = nil
                    state.failures = 0
                    defer { state.waiters = [] }
                    return state.waiters
                }
                events(.resumed(since: current.since, seconds: seconds, cause: current.cause))
                for waiter in waiting { waiter.resume() }
                return
            }
            if elapsed() - current.start >= outageWait {
                let minutes = Int(outageWait.seconds / 60)
                stop(
                    .outage(
                        "the target has not answered since \(Self.clockTime(current.since)) (\(current.cause)); "
                            + "gave up after target.outage_wait (\(minutes > 0 ? "\(minutes) min" : "\(Int(outageWait.seconds)) s")) — "
                            + "run again when it is back: nothing is lost"))
                return
            }
        }
    }

    private func stop(_ reason: RunHalt) {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
            guard state.halt == nil else { return nil }
            state.halt = reason
            state.pause = nil
            defer { state.waiters = [] }
            return state.waiters
        }
        guard let waiting else { return }
        events(.halted(reason))
        for waiter in waiting { waiter.resume() }
    }

    /// `14:02:11` in the local time zone.
    static func clockTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
