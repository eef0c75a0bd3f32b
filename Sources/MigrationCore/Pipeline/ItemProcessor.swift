internal import Synchronization

/// Turns a stage's durable work items into calls of the stage's body, `concurrency` at a time.
///
/// Design: items are claimed in batches (marked in flight in one transaction *before* any effect)
/// and outcomes are written in batches (one transaction per `flushEvery` outcomes or `flushAfter`
/// of time). A crash therefore leaves at most one claim batch in flight; the next run hands those
/// items to the stage first, flagged `resumed`, so it can check the target before acting again.
/// A clean stop (``StopSignal``) lets started items finish and returns unstarted claims to pending.
///
/// The workers run on `executor` when given (the NIM client's event loop, for stages whose items
/// are calls: see ``EventLoopExecutor``). Handing out an item and taking its outcome are locks,
/// not actors: neither suspends unless a claim or a flush has to reach the database (issue 27).
struct ItemProcessor {
    let context: StageContext
    /// Only items of this kind (a stage's phases, e.g. friendships before their aliases).
    var kind: String?
    var executor: (any TaskExecutor)?
    var flushEvery = 512
    var flushAfter: Duration = .milliseconds(200)

    func run(_ body: @escaping @Sendable (WorkItem, Bool) async -> ItemOutcome) async throws {
        let orphans = try await context.database.inFlightItems(stage: context.stage, kind: kind)
        let dispenser = Dispenser(context: context, kind: kind, orphans: orphans)
        let sink = OutcomeSink(context: context, flushEvery: flushEvery, flushAfter: flushAfter)
        let stop = context.stop
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, context.concurrency) {
                group.addTask(executorPreference: executor) {
                    while !stop.isRequested, let (item, resumed) = try await dispenser.next() {
                        let outcome = await body(item, resumed)
                        try await sink.add(item.id, outcome)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await sink.flush()
        try await dispenser.releaseUnstarted()
    }
}

/// Hands out items: first the orphans of a dead run, then fresh claims from the database.
private final class Dispenser: Sendable {
    private struct Buffer {
        var items: [(WorkItem, Bool)]
        var cursor = 0
        var exhausted = false
        /// The largest id claimed so far: the next claim starts after it. Items put back to
        /// pending behind it (postponed) are found by one claim from the start once the rest is
        /// claimed.
        var claimedUpTo: Int64 = 0
        /// A worker is claiming: the others wait for its batch instead of claiming their own.
        var claiming = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    /// What a worker does next.
    private enum Step {
        case item((WorkItem, Bool))
        case done
        case claim(after: Int64)
        case wait
    }

    let context: StageContext
    let kind: String?
    private let buffer: Mutex<Buffer>

    init(context: StageContext, kind: String?, orphans: [WorkItem]) {
        self.context = context
        self.kind = kind
        buffer = Mutex(Buffer(items: orphans.map { ($0, true) }))
    }

    func next() async throws -> (WorkItem, Bool)? {
        while true {
            switch step() {
            case .item(let item): return item
            case .done: return nil
            case .claim(let after): try await claim(after: after)
            case .wait:
                await buffer.wait {
                    !$0.claiming
                } park: {
                    $0.waiting.append($1)
                }
            }
        }
    }

    private func step() -> Step {
        let stopped = context.stop.isRequested
        return buffer.withLock { buffer in
            if buffer.cursor < buffer.items.count {
                defer { buffer.cursor += 1 }
                return .item(buffer.items[buffer.cursor])
            }
            if buffer.exhausted || stopped { return .done }
            if buffer.claiming { return .wait }
            buffer.claiming = true
            return .claim(after: buffer.claimedUpTo)
        }
    }

    /// Claims the next batch (this worker alone: see ``Buffer/claiming``) and wakes the waiters.
    private func claim(after from: Int64) async throws {
        let claimed: [WorkItem]
        do {
            claimed = try await context.database.claim(
                stage: context.stage, kind: kind, after: from, limit: context.claimBatch)
        } catch {
            finishClaim { _ in }
            throw error
        }
        finishClaim { buffer in
            buffer.items = claimed.map { ($0, false) }
            buffer.cursor = 0
            if let last = claimed.last { buffer.claimedUpTo = last.id }
            if claimed.isEmpty {
                if from == 0 { buffer.exhausted = true } else { buffer.claimedUpTo = 0 }
            }
        }
    }

    private func finishClaim(_ update: (inout Buffer) -> Void) {
        let waiting = buffer.withLock { buffer in
            update(&buffer)
            buffer.claiming = false
            defer { buffer.waiting = [] }
            return buffer.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Claimed items no worker started go back to pending (only after a stop).
    func releaseUnstarted() async throws {
        let ids = buffer.withLock { buffer in
            defer { buffer.cursor = buffer.items.count }
            return buffer.items[buffer.cursor...].filter { !$0.1 }.map(\.0.id)
        }
        guard !ids.isEmpty else { return }
        try await context.database.release(ids)
    }
}

/// Buffers outcomes and writes them in batches.
private final class OutcomeSink: Sendable {
    private struct Pending {
        var outcomes: [(id: Int64, outcome: ItemOutcome)] = []
        var lastFlush: Duration = .zero
    }

    let context: StageContext
    let flushEvery: Int
    let flushAfter: Duration
    private let pending = Mutex(Pending())
    /// Time since the sink was made, on the injected clock.
    private let elapsed: @Sendable () -> Duration

    init<C: Clock>(context: StageContext, flushEvery: Int, flushAfter: Duration, clock: C = ContinuousClock())
    where C.Duration == Duration {
        self.context = context
        self.flushEvery = flushEvery
        self.flushAfter = flushAfter
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
    }

    func add(_ id: Int64, _ outcome: ItemOutcome) async throws {
        let batch = pending.withLock { pending -> [(id: Int64, outcome: ItemOutcome)]? in
            pending.outcomes.append((id, outcome))
            let now = elapsed()
            guard pending.outcomes.count >= flushEvery || now - pending.lastFlush >= flushAfter else { return nil }
            return take(&pending, at: now)
        }
        if let batch { try await write(batch) }
    }

    /// Writes what is buffered (the end of a pass).
    func flush() async throws {
        try await write(pending.withLock { take(&$0, at: elapsed()) })
    }

    private func take(_ pending: inout Pending, at now: Duration) -> [(id: Int64, outcome: ItemOutcome)] {
        pending.lastFlush = now
        defer { pending.outcomes = [] }
        return pending.outcomes
    }

    private func write(_ batch: [(id: Int64, outcome: ItemOutcome)]) async throws {
        guard !batch.isEmpty else { return }
        try await context.database.complete(batch)
        var done = 0
        var failed = 0
        var skipped = 0
        for (_, outcome) in batch {
            switch outcome {
            case .done: done += 1
            case .failed: failed += 1
            case .skipped: skipped += 1
            case .postponed: continue
            }
        }
        await context.progress.itemsFinished(context.stage, done: done, failed: failed, skipped: skipped)
    }
}
