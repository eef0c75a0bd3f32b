internal import NIOCore
internal import Synchronization

/// At most `limit` calls in flight (the pipeline's `concurrency`); waiters are served in FIFO order.
///
/// A lock, not an actor: every call passes here twice, and with a free slot (the usual case) it
/// takes and gives back one without suspending or hopping to another executor (issue 27).
public final class InFlightLimit: Sendable {
    private struct State {
        var inFlight = 0
        var waiters = CircularBuffer<CheckedContinuation<Void, Never>>()
    }

    private let limit: Int
    private let state = Mutex(State())

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a free slot.
    public func acquire() async {
        await state.wait { state in
            guard state.inFlight < limit else { return false }
            state.inFlight += 1
            return true
        } park: { state, waiter in
            state.waiters.append(waiter)
        }
    }

    /// Frees a slot, handing it straight to the oldest waiter.
    public func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.inFlight -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

}
