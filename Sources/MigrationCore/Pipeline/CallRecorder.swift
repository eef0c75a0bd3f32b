internal import Synchronization

/// Counts REST calls per stage and endpoint in memory until the runner writes them to the state
/// database (at stage end). Shared by every client of a process; a lock, not an actor, since
/// every call records here (issue 27).
public final class CallRecorder: Sendable {
    private struct Counts {
        var pending: [StageID: [String: CallStats]] = [:]
        var total: [String: CallStats] = [:]
    }

    private let counts = Mutex(Counts())

    public init() {}

    /// Adds to the counts of one endpoint.
    public func record(stage: StageID, endpoint: String, _ stats: CallStats) {
        counts.withLock { counts in
            counts.pending[stage, default: [:]][endpoint, default: CallStats()] += stats
            counts.total[endpoint, default: CallStats()] += stats
        }
    }

    /// Returns and forgets the counts of a stage.
    public func drain(stage: StageID) -> [String: CallStats] {
        counts.withLock { counts in
            defer { counts.pending[stage] = nil }
            return counts.pending[stage] ?? [:]
        }
    }

    /// Every call recorded since the recorder was made, all stages together, per endpoint. Never
    /// drained, so it only grows (serve's `/metrics` counters read it).
    public func totals() -> [String: CallStats] {
        counts.withLock { $0.total }
    }
}
