internal import Synchronization

extension Mutex {
    /// Suspends the caller until the continuation `park` stored in the value is resumed — unless
    /// `proceed`, asked under the lock, says there is no need to wait. The question and the
    /// parking happen under one hold of the lock, so a wake-up between the two cannot be missed;
    /// when `proceed` says go at once, no continuation is made at all (the usual, fast case).
    func wait(
        unless proceed: (inout Value) -> Bool, park: (inout Value, CheckedContinuation<Void, Never>) -> Void
    ) async {
        if withLock({ proceed(&$0) }) { return }
        await withCheckedContinuation { waiter in
            let go = withLock { value in
                if proceed(&value) { return true }
                park(&value, waiter)
                return false
            }
            if go { waiter.resume() }
        }
    }
}
