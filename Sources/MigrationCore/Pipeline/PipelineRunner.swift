internal import Foundation

/// Runs a pipeline's stages in order against one state database.
///
/// Each stage first registers its work (idempotently), then processes what the database says is
/// left. A stop request ends the run after the current items with ``ExitStatus/interrupted``.
public struct PipelineRunner: Sendable {
    public let database: StateDatabase
    public let stages: [any Stage]
    public let options: RunOptions
    public let concurrency: Int
    public let stop: StopSignal
    public let calls: CallRecorder
    public let progress: any ProgressSink
    /// Items claimed per transaction (nil: derived from concurrency).
    public var claimBatch: Int?
    /// Where the lines of an adapted source came from (reports name the original files).
    public var origins = SourceOrigins.identity

    public init(
        database: StateDatabase, stages: [any Stage], options: RunOptions = RunOptions(), concurrency: Int = 16,
        stop: StopSignal = StopSignal(), calls: CallRecorder = CallRecorder(),
        progress: any ProgressSink = SilentProgress()
    ) {
        self.database = database
        self.stages = stages
        self.options = options
        self.concurrency = concurrency
        self.stop = stop
        self.calls = calls
        self.progress = progress
    }

    /// The outcome of a run.
    public struct Summary: Sendable {
        public var runID: Int64
        public var status: ExitStatus
        public var stages: [StageID]
        /// What registration predicted for this run, per stage (the calls still to make).
        public var planned: [StageID: StagePlan] = [:]
    }

    /// Runs the selected stages and returns how the run ended.
    public func run() async throws -> Summary {
        let selected = options.select(from: stages.map(\.id))
        let optionsText = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        let runID = try await database.beginRun(mode: "run", options: optionsText)
        var interrupted = false
        // Every stage of the pipeline registers first, in order: later stages resolve what earlier
        // ones read (accids, tids), and the display knows every total. Idempotent and cheap when
        // the source has not changed.
        var planned: [StageID: StagePlan] = [:]
        for stage in stages.sorted(by: { $0.id < $1.id }) {
            planned[stage.id] = try await stage.register(context(stage.id, runID))
        }
        for stage in stages.sorted(by: { $0.id < $1.id }) where selected.contains(stage.id) {
            if stop.isRequested {
                interrupted = true
                break
            }
            let context = context(stage.id, runID)
            try await database.beginStage(stage.id, run: runID)
            if options.retryFailed { try await database.resetFailed(stage: stage.id) }
            if let instant = try await database.lastFinished(stages: stage.id.inputs) {
                try await stage.inputsFinished(at: instant, context)
            }
            await progress.stageStarted(stage.id, counts: try await database.counts()[stage.id] ?? StageCounts())
            try await stage.run(context)
            try await database.addCalls(run: runID, stage: stage.id, calls.drain(stage: stage.id))
            let stopped = stop.isRequested
            try await database.endStage(stage.id, run: runID, status: stopped ? "interrupted" : "finished")
            await progress.stageEnded(stage.id, counts: try await database.counts()[stage.id] ?? StageCounts())
            if stopped {
                interrupted = true
                break
            }
        }
        let status =
            if let halt = stop.halted { halt.exitStatus } else if interrupted { ExitStatus.interrupted } else {
                try await outcome(of: selected)
            }
        try await database.endRun(runID, outcome: "\(status)")
        return Summary(runID: runID, status: status, stages: selected, planned: planned)
    }

    private func context(_ stage: StageID, _ runID: Int64) -> StageContext {
        var context = StageContext(
            stage: stage, database: database, runID: runID, concurrency: concurrency, stop: stop, calls: calls,
            progress: progress, claimBatch: claimBatch)
        context.origins = origins
        return context
    }

    /// 1 when any item of these stages failed, is left, or a line was rejected; else 0.
    func outcome(of stages: [StageID]) async throws -> ExitStatus {
        let counts = try await database.counts()
        for stage in stages {
            let c = counts[stage] ?? StageCounts()
            if c.failed > 0 || c.remaining > 0 { return .incomplete }
        }
        let problems = try await database.problemCounts(stages: stages, plan: false)
        return problems.errors > 0 ? .incomplete : .done
    }
}
