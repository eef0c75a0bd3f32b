/// Everything a stage gets from the runner: the state database, the stop signal, the shared call
/// recorder and progress display, and the item processor that turns checkpoints into work.
public struct StageContext: Sendable {
    public let stage: StageID
    public let database: StateDatabase
    public let runID: Int64
    /// Items in flight at most (the pipeline's `concurrency`).
    public let concurrency: Int
    public let stop: StopSignal
    public let calls: CallRecorder
    public let progress: any ProgressSink
    /// Items claimed per transaction; bounds how many items a crash can leave uncertain.
    public var claimBatch: Int
    /// A dry run (`plan`): stages validate everything and call nothing.
    public var dryRun = false
    /// Where the lines of an adapted source came from: problems and items are recorded with the
    /// original file and line.
    public var origins = SourceOrigins.identity

    public init(
        stage: StageID, database: StateDatabase, runID: Int64, concurrency: Int, stop: StopSignal,
        calls: CallRecorder, progress: any ProgressSink, claimBatch: Int? = nil
    ) {
        self.stage = stage
        self.database = database
        self.runID = runID
        self.concurrency = concurrency
        self.stop = stop
        self.calls = calls
        self.progress = progress
        self.claimBatch = claimBatch ?? max(64, concurrency * 4)
    }

    /// Records problems found in the source for this stage.
    public func report(_ problems: [Problem]) async throws {
        try await database.record(problems: problems.map(origins.apply))
    }

    /// Puts the item `key` (a build of the stage's whole output) back to pending when it was done
    /// at or before `instant` — its inputs changed since.
    public func reopen(_ key: String, ifDoneBy instant: Int64) async throws {
        guard try await database.item(stage: stage, key: key)?.status == .done,
            let built = try await database.updatedAt(stage: stage, key: key), built <= instant
        else { return }
        try await database.reopen(stage: stage, key: key)
    }

    /// Registers the source's items unless this exact source (by `fingerprint`) was registered
    /// before; `produce` is called only when needed and hands batches to `emit`. The batches become
    /// work items together when `produce` returns (``RegistrationPass``);
    /// `settled` then runs on them.
    public func registerOnce(
        fingerprint: String,
        _ produce: (_ emit: ([NewWorkItem]) async throws -> Void) async throws -> Void,
        settled: () async throws -> Void = {}
    ) async throws {
        if try await database.checkpoint(stage, "registered") == fingerprint { return }
        let pass = try await database.beginRegistration()
        try await produce { batch in try await pass.add(batch.map(origins.apply)) }
        try await pass.settle(stage: stage)
        try await settled()
        try await database.setCheckpoint(stage, "registered", fingerprint)
    }

    /// Runs `body` for every item left (of `kind`, when given), `concurrency` at a time; see
    /// ``ItemProcessor``. `executor`: where the workers run — a stage whose items are NIM calls
    /// passes ``NIMClient/executor`` (no thread hand-off per call); work that may block a thread
    /// (hashing files, big reads) keeps the default.
    public func process(
        kind: String? = nil, on executor: (any TaskExecutor)? = nil,
        _ body: @escaping @Sendable (_ item: WorkItem, _ resumed: Bool) async -> ItemOutcome
    ) async throws {
        try await ItemProcessor(context: self, kind: kind, executor: executor).run(body)
    }
}
