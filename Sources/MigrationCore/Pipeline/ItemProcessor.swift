/// Turns a stage's durable work items into calls of the stage's body, `concurrency` at a time.
///
/// Design: items are claimed in batches (marked in flight in one transaction *before* any effect)
/// and outcomes are written in batches (one transaction per `flushEvery` outcomes or `flushAfter`
/// of time). A crash therefore leaves at most one claim batch in flight; the next run hands those
/// items to the stage first, flagged `resumed`, so it can check the target before acting again.
/// A clean stop (``StopSignal``) lets started items finish and returns unstarted claims to pending.
struct ItemProcessor {
    let context: StageContext
    /// Only items of this kind (a stage's phases, e.g. friendships before their aliases).
    var kind: String?
    var flushEvery = 512
    var flushAfter: Duration = .milliseconds(200)

    func run(_ body: @escaping @Sendable (WorkItem, Bool) async -> ItemOutcome) async throws {
        let orphans = try await context.database.inFlightItems(stage: context.stage, kind: kind)
        let dispenser = Dispenser(context: context, kind: kind, orphans: orphans)
        let sink = OutcomeSink(context: context, flushEvery: flushEvery, flushAfter: flushAfter)
        let stop = context.stop
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, context.concurrency) {
                group.addTask {
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
private actor Dispenser {
    let context: StageContext
    let kind: String?
    private var buffer: [(WorkItem, Bool)]
    private var cursor = 0
    private var exhausted = false
    /// The largest id claimed so far: the next claim starts after it. Items put back to pending
    /// behind it (postponed) are found by one claim from the start once the rest is claimed.
    private var claimedUpTo: Int64 = 0

    init(context: StageContext, kind: String?, orphans: [WorkItem]) {
        self.context = context
        self.kind = kind
        self.buffer = orphans.map { ($0, true) }
    }

    func next() async throws -> (WorkItem, Bool)? {
        while cursor >= buffer.count {
            if exhausted || context.stop.isRequested { return nil }
            let from = claimedUpTo
            let claimed = try await context.database.claim(
                stage: context.stage, kind: kind, after: from, limit: context.claimBatch)
            // Another caller may have refilled the buffer while this one awaited the claim.
            if cursor >= buffer.count {
                buffer = []
                cursor = 0
            }
            if let last = claimed.last { claimedUpTo = max(claimedUpTo, last.id) }
            if claimed.isEmpty {
                if from == 0 { exhausted = true } else { claimedUpTo = 0 }
            }
            buffer.append(contentsOf: claimed.map { ($0, false) })
        }
        defer { cursor += 1 }
        return buffer[cursor]
    }

    /// Claimed items no worker started go back to pending (only after a stop).
    func releaseUnstarted() async throws {
        guard cursor < buffer.count else { return }
        let ids = buffer[cursor...].filter { !$0.1 }.map(\.0.id)
        cursor = buffer.count
        try await context.database.release(ids)
    }
}

/// Buffers outcomes and writes them in batches.
private actor OutcomeSink {
    let context: StageContext
    let flushEvery: Int
    let flushAfter: Duration
    private var buffer: [(id: Int64, outcome: ItemOutcome)] = []
    /// Time since the sink was made, on the injected clock.
    private let elapsed: @Sendable () -> Duration
    private var lastFlush: Duration = .zero

    init<C: Clock>(context: StageContext, flushEvery: Int, flushAfter: Duration, clock: C = ContinuousClock())
    where C.Duration == Duration {
        self.context = context
        self.flushEvery = flushEvery
        self.flushAfter = flushAfter
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
    }

    func add(_ id: Int64, _ outcome: ItemOutcome) async throws {
        buffer.append((id, outcome))
        if buffer.count >= flushEvery || elapsed() - lastFlush >= flushAfter {
            try await flush()
        }
    }

    func flush() async throws {
        lastFlush = elapsed()
        guard !buffer.isEmpty else { return }
        let batch = buffer
        buffer = []
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
