/// What a run achieved, read from the state database only: per stage, items by outcome, REST calls
/// by endpoint, retries, 416s and wall time; the source problems; the exit status.
public struct RunReport: Sendable, Codable, Equatable {
    public var pipeline: String
    public var runID: Int64?
    public var status: String
    public var exitCode: Int32
    public var stages: [StageReport]
    /// Problems of the source, counted by kind (what the run found; a dry run's are not counted).
    public var problems: ProblemCounts
    /// Up to 200 problems of each kind, by file and line (every one is in `problems.jsonl`).
    public var listedProblems: [Problem]
    public var failedItems: Int
    /// `throttle.rate`, for the planned duration beside the real one.
    public var rate: Int?
    /// This run's pauses while the target did not answer.
    public var pauses: [TargetPause] = []
    /// The failed items by stage and reason (code and desc), the most frequent first, with the
    /// first few of each by key and file:line (every one is in `failed.jsonl`).
    public var failureReasons: [FailureReason] = []

    /// One stage's line of the report.
    public struct StageReport: Sendable, Codable, Equatable {
        public var stage: StageID
        public var items: StageCounts
        public var calls: [String: CallStats]
        public var totalCalls: Int
        public var retries: Int
        public var throttled: Int
        /// Summed over every run of the pipeline so far.
        public var wallTimeSeconds: Double
        /// Calls registration predicted for the last run, per endpoint.
        public var plannedCalls: [String: Int]?
        /// The fewest calls NIM allows for the last run's work (SPEC §5 "Calls"), per endpoint.
        public var floorCalls: [String: Int]?
        /// Calls the last run made, per endpoint (attempts, retries included).
        public var runCalls: [String: CallStats]?
        /// Wall time of the last run.
        public var runWallTimeSeconds: Double?
    }

    /// Builds the report of `stages` from the state database.
    public static func build(
        database: StateDatabase, pipeline: String, stages: [StageID], status: ExitStatus, runID: Int64?,
        planned: [StageID: StagePlan] = [:], rate: Int? = nil
    ) async throws -> RunReport {
        let counts = try await database.counts()
        let calls = try await database.callStats()
        let wall = try await database.stageWallTime()
        var runCalls: [StageID: [String: CallStats]] = [:]
        var runWall: [StageID: Int64] = [:]
        if let runID {
            runCalls = try await database.callStats(run: runID)
            runWall = try await database.stageWallTime(run: runID)
        }
        let problems = try await database.problemCounts(stages: stages, plan: false)
        let listed = try await database.listedProblems(stages: stages, plan: false, perKind: PlanReport.listedPerKind)
        let reports = stages.map { stage in
            let stageCalls = calls[stage] ?? [:]
            let sum = stageCalls.values.reduce(CallStats(), +)
            return StageReport(
                stage: stage, items: counts[stage] ?? StageCounts(), calls: stageCalls, totalCalls: sum.calls,
                retries: sum.retries, throttled: sum.throttled, wallTimeSeconds: Double(wall[stage] ?? 0) / 1000,
                plannedCalls: planned[stage]?.calls, floorCalls: planned[stage]?.floor,
                runCalls: runID == nil ? nil : runCalls[stage] ?? [:],
                runWallTimeSeconds: runWall[stage].map { Double($0) / 1000 })
        }
        var pauses: [TargetPause] = []
        if let runID, let span = try await database.runSpan(runID) {
            pauses = try await database.pauses(from: span.start, to: span.end)
        }
        var report = RunReport(
            pipeline: pipeline, runID: runID, status: "\(status)", exitCode: status.rawValue, stages: reports,
            problems: problems, listedProblems: listed,
            failedItems: reports.reduce(0) { $0 + $1.items.failed }, rate: rate)
        report.pauses = pauses
        report.failureReasons = try await database.failureReasons(stages: stages)
        return report
    }
}
