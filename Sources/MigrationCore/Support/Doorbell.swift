internal import Synchronization

/// Wakes one worker that waits for work: rung when work arrives (or the process is stopping), so
/// the worker does not poll. A ring with nobody waiting is kept for the next wait; `wait` also
/// returns after `atMost` — work that comes due by itself (a retry scheduled for later) needs no
/// ring. Rings may wake a worker with nothing to do: it looks, and waits again.
public final class Doorbell: Sendable {
    private let state = Mutex<(rung: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    public init() {}

    /// Wakes the waiting worker, or the next one to wait.
    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when rung (now, or since the last wait) or after `atMost`.
    public func wait(atMost: Duration) async {
        let timer = Task {
            try? await Task.sleep(for: atMost)
            if !Task.isCancelled { ring() }
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.rung {
                    state.rung = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
