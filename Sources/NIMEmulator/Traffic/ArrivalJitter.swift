/// The network between a client and NIM, as the emulator plays it: every API call waits a
/// uniform 0…`maxMs` ms before the rate gate counts it. NIM counts a client's calls by their
/// arrival, after the network's jitter, so calls that left in order may arrive out of it and calls
/// that left more than a second apart may arrive within one (issue 18); with this delay the
/// gate — its 416s and its busiest second — judges the arrival clock, not the client's.
///
/// Drawn from its own seeded generator (derived from ``EmulatorConfiguration/seed``), so turning
/// the jitter on does not shift the fault plans' sequence.
struct ArrivalJitter: Sendable {
    /// The largest delay, in milliseconds; 0 turns the jitter off.
    var maxMs: Int
    private var generator: SplitMix64
    private let seed: UInt64

    /// Delays up to `maxMs` ms, in a sequence fixed by `seed`.
    init(maxMs: Int, seed: UInt64) {
        self.maxMs = min(max(0, maxMs), EmulatorConfiguration.maxArrivalJitterMs)
        self.seed = seed ^ 0x4A49_5454_4552  // "JITTER"
        generator = SplitMix64(seed: self.seed)
    }

    /// The next call's delay: uniform in 0…`maxMs` ms, to the microsecond; zero when off.
    mutating func next() -> Duration {
        guard maxMs > 0 else { return .zero }
        let microseconds = generator.unit() * Double(maxMs * 1000 + 1)
        return .microseconds(Int64(microseconds.rounded(.down)))
    }

    /// Starts the sequence over (`POST /_emulator/reset`); the width stays.
    mutating func restart() {
        generator = SplitMix64(seed: seed)
    }
}
