/// What `nim-migrate run` was asked to do.
public struct RunOptions: Sendable, Equatable, Codable {
    /// Run only these stages (`--only`), when set.
    public var only: Set<StageID>?
    /// Start at this stage (`--from`), skipping the ones before it.
    public var from: StageID?
    /// Put failed items back to pending before running (`--retry-failed`).
    public var retryFailed: Bool

    public init(only: Set<StageID>? = nil, from: StageID? = nil, retryFailed: Bool = false) {
        self.only = only
        self.from = from
        self.retryFailed = retryFailed
    }

    /// The stages to run out of the pipeline's, in the documented order.
    public func select(from stages: [StageID]) -> [StageID] {
        stages.sorted().filter { stage in
            (only?.contains(stage) ?? true) && (from.map { stage >= $0 } ?? true)
        }
    }
}

/// How a command ends; the process exit code (SPEC §2).
public enum ExitStatus: Int32, Sendable, Codable {
    /// Everything done.
    case done = 0
    /// Some items were not migrated; each is in the report with its reason.
    case incomplete = 1
    /// The pipeline cannot run at all.
    case unusable = 2
    /// Stopped before the end (Ctrl-C).
    case interrupted = 3
}
