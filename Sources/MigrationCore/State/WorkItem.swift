/// Where a unit of work stands. Stored as an integer; never renumber.
public enum WorkStatus: Int, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case pending = 0
    /// Claimed by a run; if that run died, the effect may or may not have happened.
    case inFlight = 1
    case done = 2
    case failed = 3
    case skipped = 4

    public var description: String {
        switch self {
        case .pending: "pending"
        case .inFlight: "in-flight"
        case .done: "done"
        case .failed: "failed"
        case .skipped: "skipped"
        }
    }
}

/// One unit of work of one stage: a user, a relation, a group, a file, an input file's progress.
public struct WorkItem: Sendable, Equatable {
    public var id: Int64
    public var stage: StageID
    /// Unique within the stage; derived from the source so that re-reading it finds the same item.
    public var key: String
    public var kind: String
    /// Whatever the stage needs to do the work (usually JSON).
    public var payload: String?
    public var sourceFile: String?
    public var sourceLine: Int?
    public var status: WorkStatus
    public var attempts: Int
    /// Sub-step checkpoint written by the stage while the item is in flight (e.g. a created tid).
    public var progress: String?
    /// What the work produced (e.g. the new id).
    public var result: String?
}

/// A unit of work found in the source, before it has a row.
public struct NewWorkItem: Sendable, Equatable {
    public var key: String
    public var kind: String
    public var payload: String?
    public var sourceFile: String?
    public var sourceLine: Int?

    public init(key: String, kind: String, payload: String? = nil, sourceFile: String? = nil, sourceLine: Int? = nil) {
        self.key = key
        self.kind = kind
        self.payload = payload
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }
}

/// How one unit of work ended.
public enum ItemOutcome: Sendable, Equatable {
    case done(result: String? = nil)
    /// A permanent or retryable failure of the item's call (NIM's, a download's or the tool's).
    case failed(CallFailure)
    case skipped(reason: String)
    /// Not attempted to the end for a reason of the run (credentials refused, the target gone):
    /// the item goes back to pending, untouched, for the next run.
    case postponed(reason: String)

    var status: WorkStatus {
        switch self {
        case .done: .done
        case .failed: .failed
        case .skipped: .skipped
        case .postponed: .pending
        }
    }
}
