public import Foundation
public import MigrationCore

/// `nim-migrate serve` as a library call: checks the pipeline, the token and the secret, takes
/// the serve lock, opens the pipeline's state, and serves until `stop` is requested.
///
/// Serve takes its own lock (`state/NAME-serve.lock`), not the run's: dual-running goes on
/// while the history import may still be running, and serve only reads the run's state database
/// (its own queues live in `state/NAME/serve.sqlite`). Two serves of one pipeline are refused.
public enum DualRunning {
    /// Serves until `stop`; returns the exit status. Configuration problems throw ``ConfigError``.
    public static func serve(
        pipelinePath: String, stop: StopSignal, environment: [String: String] = ProcessInfo.processInfo.environment,
        log: @escaping @Sendable (String) -> Void
    ) async throws -> ExitStatus {
        let config = try PipelineConfig.load(path: pipelinePath)
        let settings = try ServeSettings(pipeline: config, environment: environment)
        guard FileManager.default.fileExists(atPath: config.statePath) else {
            throw ConfigError(
                path: "",
                "pipeline '\(config.name)' has no state yet (\(config.statePath)); run the users and groups stages first"
            )
        }
        try FileManager.default.createDirectory(atPath: config.outputDirectory, withIntermediateDirectories: true)
        let lock = try StateLock(path: settings.lockPath)
        let state = try StateDatabase(path: config.statePath)
        // Pauses of the target are logged; serve keeps going (its queues are durable), and a
        // refusal of the credentials stops it (exit 2).
        // Serve's queues are durable: it waits out an outage however long (no outage_wait).
        let client = try Migration.makeClient(
            config, environment: environment, calls: CallRecorder(), outageWait: .seconds(100 * 365 * 86_400)
        ) { event in
            switch event {
            case .paused(let since, let cause):
                log("serve: target not answering since \(since) (\(cause)): holding calls")
            case .resumed(_, let seconds, _): log("serve: target answers again after \(Int(seconds)) s")
            case .halted(let halt):
                log("serve: stopping: \(halt)")
                stop.halt(halt)
            }
        }
        let server: ServeServer
        do {
            try await Migration.preflight(client)
            server = try await ServeServer.start(settings: settings, state: state, client: client, log: log)
        } catch {
            await client.shutdown()
            throw error
        }
        log("serve: listening on \(server.baseURL) (resumed \(server.resumed) message(s) left in flight)")
        let stopped = Doorbell()
        stop.onRequest { stopped.ring() }
        while !stop.isRequested { await stopped.wait(atMost: .seconds(1)) }
        log("serve: stopping")
        await server.shutdown()
        await client.shutdown()
        withExtendedLifetime(lock) {}
        return stop.halted?.exitStatus ?? .done
    }
}
