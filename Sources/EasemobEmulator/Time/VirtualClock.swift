internal import EmulatorKit
import Foundation

/// The emulator's notion of "now": a start instant (Unix ms) that advances with real,
/// monotonic time, and can be moved on by hand (`POST /_emulator/clock`).
///
/// Every response's `timestamp`, token expiry, hour availability, signed-URL expiry and
/// attachment retention read this clock, so a test can jump days ahead without sleeping. Rate
/// limits use ``elapsedMs`` (real time), which a jump does not touch.
final class VirtualClock: Sendable {
    private let startMs: Int64
    private let started: ContinuousClock.Instant
    private let offsetMs = LockedBox<Int64>(0)

    /// A clock reading `startMs` now.
    init(startMs: Int64) {
        self.startMs = startMs
        self.started = ContinuousClock.now
    }

    /// Real milliseconds since the clock was made (monotonic).
    var elapsedMs: Int64 {
        let elapsed = ContinuousClock.now - started
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// The virtual now, Unix milliseconds.
    var nowMs: Int64 { startMs + elapsedMs + offsetMs.value }

    /// Moves the clock `ms` forward (or back, when negative).
    func advance(byMs ms: Int64) {
        offsetMs.withValue { $0 += ms }
    }

    /// Sets the virtual now to `ms`.
    func set(toMs ms: Int64) {
        let current = nowMs
        offsetMs.withValue { $0 += ms - current }
    }
}
