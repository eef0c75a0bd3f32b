public import Foundation

/// The operator commands as library calls; the executable only parses arguments and calls these.
public enum Migration {
    /// `nim-migrate run`: runs or resumes the pipeline, writes the reports, returns the exit status.
    public static func run(
        pipelinePath: String, options: RunOptions, stop: StopSignal, progress: any ProgressSink,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> ExitStatus {
        let config = try PipelineConfig.load(path: pipelinePath)
        try PipelineSession.checkSource(config)
        let calls = CallRecorder()
        let events = TargetEvents(stop: stop)
        let client = try makeClient(config, environment: environment, calls: calls, events: events.sink)
        var handler: Task<Void, Never>?
        do {
            try await preflight(client)
            let session = try PipelineSession.open(pipelinePath: pipelinePath, locking: true)
            // Items left in flight: the last run was killed, maybe a moment ago, after its last
            // second's calls; NIM counts them with this run's, so this one waits a send window.
            if try await session.database.anyInFlight(stages: config.stages) {
                let window = client.limiter.holdOffOneWindow()
                await progress.note(
                    "the last run stopped with work in flight: that work is checked against NIM first, and the first "
                        + "call waits one send window (\(window))")
            }
            handler = Task { [database = session.database] in
                await events.handle(database: database, progress: progress)
            }
            let (source, stages) = try await session.prepareStages(client: client)
            var runner = PipelineRunner(
                database: session.database, stages: stages, options: options, concurrency: config.concurrency,
                stop: stop, calls: calls, progress: progress)
            runner.origins = source.origins
            let summary = try await runner.run()
            events.finish()
            await handler?.value
            if let halt = stop.halted { await progress.note("stopped: \(halt)") }
            try await ReportWriter.write(
                session: session, stages: summary.stages, status: summary.status, runID: summary.runID,
                planned: summary.planned)
            await progress.note(
                "report: \(session.output("report.md")), page: \(session.output("report.html")) "
                    + "(failed items: \(session.output("failed.jsonl")))")
            await client.shutdown()
            return summary.status
        } catch {
            events.finish()
            await handler?.value
            await client.shutdown()
            throw error
        }
    }

    /// `nim-migrate check`: the preflight alone (one authenticated read); exit 0 or 2.
    public static func check(
        pipelinePath: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> String {
        let config = try PipelineConfig.load(path: pipelinePath)
        let client = try makeClient(config, environment: environment, calls: CallRecorder())
        try await withCleanup {
            try await preflight(client)
        } cleanup: {
            await client.shutdown()
        }
        return "the target at \(config.target.endpoint) answers and accepts appkey \(config.target.appKey)"
    }

    /// Throws ``TargetUnusable`` unless the target answers and accepts the credentials.
    public static func preflight(_ client: NIMClient) async throws {
        if let problem = await client.check() { throw TargetUnusable(reason: problem) }
    }

    /// `nim-migrate status`.
    public static func status(pipelinePath: String, nowMillis: Int64) async throws -> StatusReport {
        let session = try PipelineSession.openExisting(pipelinePath: pipelinePath)
        return try await StatusReport.build(
            database: session.database, pipeline: session.config.name, stages: session.config.stages,
            nowMillis: nowMillis)
    }

    /// `nim-migrate ids`: streams the old → new map of one kind as CSV or JSON lines.
    public static func ids(
        pipelinePath: String, kind: IDKind, jsonLines: Bool, write: @escaping @Sendable (String) -> Void
    )
        async throws
    {
        let session = try PipelineSession.openExisting(pipelinePath: pipelinePath)
        if !jsonLines { write("old,new\n") }
        try await session.database.forEachMapping(kind) { mapping in
            if jsonLines {
                let data = try JSONEncoder().encode(["old": mapping.old, "new": mapping.new])
                write(String(decoding: data, as: UTF8.self) + "\n")
            } else {
                write("\(CSV.field(mapping.old)),\(CSV.field(mapping.new))\n")
            }
        }
    }
}

/// The target cannot be used with this pipeline: it does not answer, answers at a wrong path, or
/// refuses the credentials (exit 2, one line naming the cause and the endpoint).
public struct TargetUnusable: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "target check failed: \(reason)" }
}

/// Minimal CSV quoting (RFC 4180).
public enum CSV {
    /// Quotes a field when it holds a comma, quote or line break.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension Migration {
    /// `nim-migrate plan`: reads every input as `run` would, calls nothing, writes `plan.md`,
    /// `plan.json` and `plan.html`, and returns what a run would end with.
    public static func plan(pipelinePath: String) async throws -> (
        status: ExitStatus, report: PlanReport, markdown: String
    ) {
        let session = try PipelineSession.open(pipelinePath: pipelinePath, locking: true)
        let config = session.config
        let (source, stages) = try await session.prepareStages(client: nil)
        let runID = try await session.database.beginRun(mode: "plan", options: "{}")
        var plans: [(StageID, StagePlan)] = []
        for stage in stages {
            var context = StageContext(
                stage: stage.id, database: session.database, runID: runID, concurrency: config.concurrency,
                stop: StopSignal(), calls: CallRecorder(), progress: SilentProgress())
            context.dryRun = true
            context.origins = source.origins
            plans.append((stage.id, try await stage.register(context)))
        }
        let database = session.database
        let survey = SourceHostSurvey(
            database: database, policy: config.files.policy, resolver: SystemResolver(),
            root: source.export.attachmentRoot)
        let (hosts, refused) = try await survey.survey()
        try await database.forgetPlanProblems(code: "url-refused")
        try await database.record(problems: refused.map(source.origins.apply), dryRun: true)
        let counts = try await database.problemCounts(stages: config.stages, plan: true)
        let listed = try await database.listedProblems(
            stages: config.stages, plan: true, perKind: PlanReport.listedPerKind)
        var report = PlanReport(
            pipeline: config.name, rate: config.throttle.rate,
            pace: TokenBucket<ContinuousClock.Instant>.pace(
                rate: Double(config.throttle.rate), jitter: .milliseconds(config.throttle.jitterMs)),
            plans: plans, problems: listed, counts: counts, hosts: hosts)
        if config.source.pull != nil {
            report.pull = decodeJSON(
                PullReport.self, try? String(contentsOfFile: session.output("pull.json"), encoding: .utf8))
        }
        try await ProblemsFile.write(
            database: database, stages: config.stages, plan: true, to: session.output("problems.jsonl"))
        let checklist = OperatorChecklist.items(for: config, hosts: hosts)
        let markdown = report.markdown(checklist: checklist)
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: session.output("plan.md")), options: .atomic)
        try Data(report.html(checklist: checklist).utf8).write(
            to: URL(fileURLWithPath: session.output("plan.html")), options: .atomic)
        try JSONFile.write(report, to: session.output("plan.json"))
        let status = ExitStatus(rawValue: report.exitCode) ?? .incomplete
        try await session.database.endRun(runID, outcome: "\(status)")
        return (status, report, markdown)
    }
}

extension Migration {
    /// The one client of a process, with the AppSecret from the pipeline's environment variable.
    public static func makeClient(
        _ config: PipelineConfig, environment: [String: String], calls: CallRecorder,
        outageWait: Duration? = nil, events: @escaping @Sendable (TargetGate.Event) -> Void = { _ in }
    ) throws(ConfigError) -> NIMClient {
        guard let secret = environment[config.target.appSecretEnv], !secret.isEmpty else {
            throw ConfigError(
                path: "target.app_secret_env", "environment variable \(config.target.appSecretEnv) is not set")
        }
        return NIMClient(
            NIMClient.Configuration(
                endpoint: config.target.endpoint, v2Endpoint: config.target.v2Endpoint, appKey: config.target.appKey,
                secret: Secret(secret), rate: config.throttle.rate, concurrency: config.concurrency,
                retry: RetryPolicy(
                    throttlePause: .milliseconds(Failpoint.setting("NIM_MIGRATE_THROTTLE_PAUSE_MS", 10_000))),
                jitter: .milliseconds(config.throttle.jitterMs),
                outageWait: outageWait ?? .seconds(config.target.outageWait),
                probeEvery: .milliseconds(Failpoint.setting("NIM_MIGRATE_PROBE_MS", 3000))),
            calls: calls, events: events)
    }

    /// `nim-migrate verify`: reads the target back, writes `verify.md`, `verify.json` and `verify.html`
    /// (whose path it returns as `page`); exit 1 when anything differs.
    public static func verify(
        pipelinePath: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> (status: ExitStatus, report: VerifyReport, page: String) {
        let session = try PipelineSession.openExisting(pipelinePath: pipelinePath)
        let client = try makeClient(session.config, environment: environment, calls: CallRecorder())
        do {
            try await preflight(client)
            var report = try await Verifier(database: session.database, client: client).verify()
            report.account = try await SourceAccount.build(database: session.database)
            await client.shutdown()
            try Data(report.markdown(pipeline: session.config.name).utf8).write(
                to: URL(fileURLWithPath: session.output("verify.md")), options: .atomic)
            try JSONFile.write(report, to: session.output("verify.json"))
            let page = session.output("verify.html")
            try Data(report.html(pipeline: session.config.name).utf8).write(
                to: URL(fileURLWithPath: page), options: .atomic)
            return (report.differenceCount == 0 && report.account.unaccounted == 0 ? .done : .incomplete, report, page)
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
