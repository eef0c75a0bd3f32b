/// Counts REST calls per stage and endpoint in memory until the runner writes them to the state
/// database (at stage end). Shared by every client of a process.
public actor CallRecorder {
    private var pending: [StageID: [String: CallStats]] = [:]
    private var total: [String: CallStats] = [:]

    public init() {}

    /// Adds to the counts of one endpoint.
    public func record(stage: StageID, endpoint: String, _ stats: CallStats) {
        pending[stage, default: [:]][endpoint, default: CallStats()] += stats
        total[endpoint, default: CallStats()] += stats
    }

    /// Returns and forgets the counts of a stage.
    public func drain(stage: StageID) -> [String: CallStats] {
        defer { pending[stage] = nil }
        return pending[stage] ?? [:]
    }

    /// Every call recorded since the recorder was made, all stages together, per endpoint. Never
    /// drained, so it only grows (serve's `/metrics` counters read it).
    public func totals() -> [String: CallStats] {
        total
    }
}
