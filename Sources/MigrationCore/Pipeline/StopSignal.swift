internal import Synchronization

/// A request to stop cleanly (Ctrl-C): no new item is started; items in flight finish. A stop can
/// carry why the run cannot go on (``RunHalt``): credentials refused, or the target down for
/// longer than `target.outage_wait`.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    private let reason = Mutex<RunHalt?>(nil)
    private let watchers = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    /// Asks every stage to stop taking new work (and wakes whoever waits on ``onRequest(_:)``).
    public func request() {
        guard !flag.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for watcher in watchers.withLock({ $0 }) { watcher() }
    }

    /// Runs `action` when a stop is requested (at once when it was already): a worker waiting on
    /// a ``Doorbell`` rings it here instead of polling the flag.
    public func onRequest(_ action: @escaping @Sendable () -> Void) {
        watchers.withLock { $0.append(action) }
        if isRequested { action() }
    }

    /// Stops the run for a reason of the run, not of an item (the first reason is kept).
    public func halt(_ halt: RunHalt) {
        reason.withLock { if $0 == nil { $0 = halt } }
        request()
    }

    /// Whether a stop was asked for.
    public var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Why the run was halted, if it was.
    public var halted: RunHalt? { reason.withLock { $0 } }
}

/// What is wrong with the run, not with an item (SPEC §5 "The run, not the item").
public enum RunHalt: Sendable, Equatable, CustomStringConvertible {
    /// The target refused the credentials (AppKey, CheckSum, CurTime): exit 2, items stay pending.
    case credentials(String)
    /// The target stopped answering for longer than `target.outage_wait`: exit 3, resumable.
    case outage(String)

    public var description: String {
        switch self {
        case .credentials(let text), .outage(let text): text
        }
    }

    /// The exit status a run halted for this reason ends with.
    public var exitStatus: ExitStatus {
        switch self {
        case .credentials: .unusable
        case .outage: .interrupted
        }
    }
}
