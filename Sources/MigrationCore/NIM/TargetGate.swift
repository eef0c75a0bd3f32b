public import Foundation

/// Whether the target answers, as the one client sees it (SPEC §5 "The run, not the item").
///
/// Design: the client reports every attempt's fate. A run of `threshold` failures of the target
/// itself — connections refused or cut, timeouts, 5xx — with no answer between them opens a pause:
/// every call waits at ``admit()`` instead of failing its item, and a probe (one cheap read through
/// the same throttle) runs every `probeEvery` until the target answers, which ends the pause and
/// releases the waiters (the throttle paces them: no burst). A pause longer than `outageWait`
/// halts the run (exit 3, resumable). Credentials refused halt it at once (exit 2): no further
/// call is made, and the items stay pending.
public actor TargetGate {
    /// What changed, for the progress line, the state database and the stop signal.
    public enum Event: Sendable {
        case paused(since: Date, cause: String)
        case resumed(since: Date, seconds: Double, cause: String)
        case halted(RunHalt)
    }

    let threshold: Int
    let outageWait: Duration
    let probeEvery: Duration
    /// Time since the gate was made, and a sleep, on the injected clock (tests: swift-clocks'
    /// `TestClock`, so an outage of minutes takes no time).
    private let elapsed: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private let events: @Sendable (Event) -> Void
    private var failures = 0
    private var pause: (start: Duration, since: Date, cause: String)?
    private var halt: RunHalt?
    private var waiters: [CheckedContinuation<Void, Never>] = []

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
            if let halt { throw CallFailure.halting(halt, endpoint: endpoint) }
            guard pause != nil else { return }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// The target answered (anything NIM says, an error about the item included).
    public func answered() {
        failures = 0
    }

    /// The target itself failed an attempt; returns whether calls are now held (the attempt is
    /// then not counted against the call's retries).
    public func failed(cause: String, probe: @escaping @Sendable () async -> Bool) -> Bool {
        if halt != nil { return false }
        if pause != nil { return true }
        failures += 1
        guard failures >= threshold else { return false }
        let since = Date()
        pause = (elapsed(), since, cause)
        events(.paused(since: since, cause: cause))
        Task { await self.probeUntilBack(probe) }
        return true
    }

    /// The credentials were refused: the run stops, nothing more is sent.
    public func refuse(_ reason: String) {
        stop(.credentials(reason))
    }

    /// Whether calls are held now, and since when.
    public var pausedSince: Date? { pause?.since }

    private func probeUntilBack(_ probe: @escaping @Sendable () async -> Bool) async {
        // The first probe goes at once (a target that only hiccuped ends the pause right away),
        // then one every `probeEvery`.
        var first = true
        while let current = pause, halt == nil {
            if !first { try? await sleep(probeEvery) }
            first = false
            if await probe() {
                let seconds = (elapsed() - current.start).seconds
                pause = nil
                failures = 0
                events(.resumed(since: current.since, seconds: seconds, cause: current.cause))
                wakeAll()
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
        guard halt == nil else { return }
        halt = reason
        pause = nil
        events(.halted(reason))
        wakeAll()
    }

    private func wakeAll() {
        let waiting = waiters
        waiters = []
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
