public import Foundation

/// `nim-migrate pull PIPELINE` (SPEC §4 "Pulling from Easemob"): copies an Easemob app out of its
/// REST API into `source.path`, in the layout the Easemob adapter reads, incrementally and
/// resumably. The lists and the history are pulled side by side (each family of Easemob's API
/// has its own throttle), then the attachments they reference.
public enum EasemobPull {
    /// Pulls; returns the report (also written to `state/NAME/pull.md`, `pull.json` and `pull.html`), whose
    /// `exitCode` is the process's: 0 all there was, 1 something expired or could not be fetched,
    /// 2 the pull cannot run (credentials, app, quota, setup), 3 Easemob stopped answering.
    public static func run(
        pipelinePath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> PullReport {
        let config = try PipelineConfig.load(path: pipelinePath)
        guard let pull = config.source.pull else {
            throw ConfigError(path: "source.pull", "missing: pull needs the Easemob app to copy (SPEC §4)")
        }
        guard let secret = environment[pull.clientSecretEnv], !secret.isEmpty else {
            throw ConfigError(
                path: "source.pull.client_secret_env", "environment variable \(pull.clientSecretEnv) is not set")
        }
        try FileManager.default.createDirectory(atPath: "state", withIntermediateDirectories: true)
        let lock = try StateLock(path: "state/\(config.name).lock")
        defer { withExtendedLifetime(lock) {} }
        let api = EasemobAPI(config: pull, secret: Secret(secret))
        do {
            try await api.authenticate()
        } catch {
            await api.shutdown()
            throw error
        }
        let started = ContinuousClock.now
        try FileManager.default.createDirectory(atPath: config.source.path, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: config.outputDirectory, withIntermediateDirectories: true)
        let store = try PullStore(path: "state/\(config.name).pull.sqlite")
        var allow = config.files.allow
        allow.allow(host: pull.host)
        let downloader = SafeDownloader(policy: URLPolicy(allow: allow))
        let context = PullContext(
            api: api, store: store, root: config.source.path, downloader: downloader, progress: progress)
        var halted: PullHalt?
        var generation = try store.currentGeneration()
        try await withCleanup {
            do {
                if generation.listsDone {
                    try ListPuller(context: context, generation: generation.id).swap()
                    generation = try store.currentGeneration()
                }
                // The server's clock places the hours; learnt before the lists and the history start side
                // by side (so no call of the account family ever runs beside another).
                _ = try await context.serverNow()
                try await pullSideBySide(context, generation: generation.id)
                if pull.attachments { try await FilePuller(context: context).run() }
            } catch let halt as PullHalt {
                halted = halt
            }
        } cleanup: {
            await downloader.shutdown()
            await api.shutdown()
        }
        let elapsed = ContinuousClock.now - started
        let report = try PullReport.build(
            pipeline: config.name, config: pull, store: store, generation: generation.id, calls: api.counts,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            halted: halted)
        try Data(report.markdown().utf8).write(
            to: URL(fileURLWithPath: config.outputDirectory + "/pull.md"), options: .atomic)
        try JSONFile.write(report, to: config.outputDirectory + "/pull.json")
        try Data(report.html().utf8).write(
            to: URL(fileURLWithPath: config.outputDirectory + "/pull.html"), options: .atomic)
        return report
    }

    /// The lists (then their swap into place) and the history, concurrently; the first halt stops both.
    private static func pullSideBySide(_ context: PullContext, generation: Int64) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let lists = ListPuller(context: context, generation: generation)
                try await lists.run()
                try lists.swap()
            }
            group.addTask { _ = try await HistoryPuller(context: context).run() }
            do {
                try await group.waitForAll()
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

extension AllowList {
    /// Adds the host of `url` (a name, or an address) — the pull's own REST host.
    mutating func allow(host url: String) {
        guard let host = URLComponents(string: url)?.percentEncodedHost else { return }
        switch IPAddress.literal(host) {
        case .address(let address): append(.network(address, length: address.bits))
        case .name(let name): allow(name: name)
        case .invalid: break
        }
    }
}
