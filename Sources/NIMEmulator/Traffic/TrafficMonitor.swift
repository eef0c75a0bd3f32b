/// The shared, in-memory traffic state of a running emulator: the frequency-control gate and
/// the seeded fault generator.
///
/// One call to ``admit(arrivedAt:)`` per arriving API call, with the instant it reached NIM's
/// counter: when the middleware saw it plus the network's jitter (``ArrivalJitter``), slept
/// before `admit`. The 416s and the busiest second are those of that arrival clock, as NIM's are,
/// and not of the moment this actor got round to the call — on a busy machine a sleep wakes late
/// and an actor hop waits, which is the emulator's own scheduling, not the network's. Instants may
/// therefore come out of order; ``RateGate`` counts them in order. The actor never awaits inside
/// `admit`, so the windows and the random sequence stay consistent under concurrency.
actor TrafficMonitor {
    /// The verdict on one arriving API call.
    struct Admission: Sendable {
        /// `true` when the call must be answered 416.
        var throttled: Bool
        /// Latency, fault, drop and stall for the call.
        var plan: FaultPlan
        /// Largest number of arrivals seen in one second so far.
        var maxPerSecond: Int
    }

    private let configuration: EmulatorConfiguration
    private var gate: RateGate<ContinuousClock.Instant>
    private var generator: SplitMix64

    /// A monitor for that configuration (limit, penalty, fault rates, seed).
    init(configuration: EmulatorConfiguration) {
        self.configuration = configuration
        self.gate = Self.makeGate(configuration)
        self.generator = SplitMix64(seed: configuration.seed)
    }

    /// Registers an API call that reached NIM's counter at `instant`.
    func admit(arrivedAt instant: ContinuousClock.Instant) -> Admission {
        let decision = gate.admit(at: instant)
        let plan = FaultPlan.draw(
            using: &generator,
            latency: configuration.latencyMs,
            faultRate: configuration.faultRate,
            dropRate: configuration.dropRate,
            stallRate: configuration.stallRate
        )
        return Admission(throttled: decision == .throttled, plan: plan, maxPerSecond: gate.maxPerSecond)
    }

    /// Forgets windows, penalty and random sequence (used by `POST /_emulator/reset`).
    func reset() {
        gate = Self.makeGate(configuration)
        generator = SplitMix64(seed: configuration.seed)
    }

    private static func makeGate(_ configuration: EmulatorConfiguration) -> RateGate<ContinuousClock.Instant> {
        RateGate(limit: configuration.limit, penalty: .milliseconds(max(0, configuration.penaltyMs)))
    }
}
