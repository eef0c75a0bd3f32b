/// Number of work items of one stage in each status.
public struct StageCounts: Sendable, Equatable, Codable {
    public var pending = 0
    public var inFlight = 0
    public var done = 0
    public var failed = 0
    public var skipped = 0

    public init() {}

    public var total: Int { pending + inFlight + done + failed + skipped }
    /// Items that still need work.
    public var remaining: Int { pending + inFlight }

    subscript(status: WorkStatus) -> Int {
        get {
            switch status {
            case .pending: pending
            case .inFlight: inFlight
            case .done: done
            case .failed: failed
            case .skipped: skipped
            }
        }
        set {
            switch status {
            case .pending: pending = newValue
            case .inFlight: inFlight = newValue
            case .done: done = newValue
            case .failed: failed = newValue
            case .skipped: skipped = newValue
            }
        }
    }
}
