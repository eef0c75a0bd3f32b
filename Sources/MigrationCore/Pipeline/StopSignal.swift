internal import Synchronization

/// A request to stop cleanly (Ctrl-C): no new item is started; items in flight finish.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks every stage to stop taking new work.
    public func request() { flag.store(true, ordering: .relaxed) }

    /// Whether a stop was asked for.
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}
