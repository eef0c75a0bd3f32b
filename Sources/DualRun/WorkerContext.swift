internal import MigrationCore

/// What the old → NIM sender and the event worker share: the queues' store, how many items each
/// has in work at once, how an item waits for what another event creates, the clock (ms) and the
/// log; and the two steps around each item — claim and hand out (``QueueDrain``), then record the
/// outcome.
struct WorkerContext: Sendable {
    let store: ServeStore
    /// Items in work at once (at least 1).
    let concurrency: Int
    /// How an item waits for an account, team or friendship an event may create.
    let dependency: DependencyWait
    let now: @Sendable () -> Int64
    let log: @Sendable (String) -> Void

    init(
        store: ServeStore, concurrency: Int, dependencyWaitMs: Int64, now: @escaping @Sendable () -> Int64,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.concurrency = max(1, concurrency)
        dependency = DependencyWait(waitMs: dependencyWaitMs)
        self.now = now
        self.log = log
    }

    /// Claims with `claim` and hands each claim to `handle` until `stop` is requested, then lets
    /// the items in work finish; `bell` wakes the loop when nothing is due.
    func drain<Claim: Sendable>(
        _ what: String, bell: Doorbell, stop: StopSignal, claim: @escaping @Sendable () async throws -> Claim?,
        handle: @escaping @Sendable (Claim) async -> Void
    ) async {
        await QueueDrain.run(
            concurrency: concurrency, bell: bell, stop: stop, log: log, what: what, claim: claim, handle: handle)
    }

    /// Records the outcome of `item` with `record`, after logging `failure` when the item failed.
    /// An outcome that cannot be recorded leaves the item in work: the next start takes it up again.
    func settle(_ item: String, failure: String?, record: () async throws -> Void) async {
        if let failure { log("serve: \(failure)") }
        do {
            try await record()
        } catch {
            log("serve: cannot record the outcome of \(item): \(error)")
        }
    }
}
