internal import EmulatorKit
internal import Foundation
internal import Hummingbird
internal import Logging
public import MigrationCore

/// A running `serve`: the HTTP interface on its socket (``ServeRoutes``), and three workers — the
/// old → NIM message sender (``BridgeSender``), the old → NIM event worker (``EventWorker``) and,
/// when `old_server_url` is set, the NIM → old forwarder (``CCForwarder``).
/// ``start(settings:state:client:now:log:)`` returns once the socket is bound (so ``port`` is real
/// even for port 0), after messages left in flight by a dead process were marked for
/// reconciliation and events left in work went back to their queue.
public final class ServeServer: Sendable {
    /// Why serve could not start listening.
    public struct StartError: Error, CustomStringConvertible {
        /// The server's own error (e.g. the address is in use), if it said one.
        public let reason: String?
        public var description: String {
            "serve did not start: \(reason ?? "server stopped before listening")"
        }
    }

    /// The bound port.
    public let port: Int
    /// The bound host.
    public let host: String
    /// Messages found in flight at start (resumed: looked up in NIM before any resend).
    public let resumed: Int
    /// This server's `/metrics` (its own registry).
    let metrics: ServeMetrics
    private let server: RunningServer
    private let workers: Task<Void, Never>
    private let stop: StopSignal
    private let cleanup: @Sendable () async -> Void

    private init(
        host: String, resumed: Int, metrics: ServeMetrics, server: RunningServer, workers: Task<Void, Never>,
        stop: StopSignal, cleanup: @escaping @Sendable () async -> Void
    ) {
        self.host = host
        port = server.port
        self.resumed = resumed
        self.metrics = metrics
        self.server = server
        self.workers = workers
        self.stop = stop
        self.cleanup = cleanup
    }

    /// `http://HOST:PORT`.
    public var baseURL: String { BoundAddress.baseURL(host: host, port: port) }

    /// Opens `state/NAME/serve.sqlite`, binds, and starts the sender and the forwarder. `state` is
    /// the pipeline's state database (read for the id maps); `client` the process's one NIM client.
    public static func start(
        settings: ServeSettings, state: StateDatabase, client: NIMClient,
        now: @escaping @Sendable () -> Int64 = StateDatabase.wallClockMillis,
        log: @escaping @Sendable (String) -> Void
    ) async throws -> ServeServer {
        try FileManager.default.createDirectory(
            atPath: (settings.storePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let store = try ServeStore(path: settings.storePath)
        // A serve killed a moment ago may have sent its last second's calls: this one waits a window.
        client.limiter.holdOffOneWindow()
        _ = try await store.moveHostedFiles(to: state)
        let resumed = try await store.resumeInFlight()
        _ = try await store.resumeEventsInFlight()
        let core = ServeCore(
            settings: settings, store: store, verifier: CCVerifier(secret: settings.secret, now: now), now: now,
            log: log, gate: client.gate, metrics: ServeMetrics(store: store, calls: client.calls, gate: client.gate))
        var logger = Logger(label: "nim-migrate.serve")
        logger.logLevel = .warning
        let server: RunningServer
        do {
            server = try await RunningServer.start(fallbackPort: settings.port) { onServerRunning in
                Application(
                    router: ServeRoutes.router(core),
                    configuration: .init(
                        address: .hostname(settings.host, port: settings.port), serverName: "nim-migrate"),
                    onServerRunning: onServerRunning, logger: logger)
            }
        } catch {
            throw StartError(reason: error.underlying.map { "\($0)" })
        }
        let stop = StopSignal()
        let hosting = FileHosting(
            root: settings.pipeline.source.path, policy: settings.pipeline.files.policy, client: client,
            database: state)
        let context = WorkerContext(
            store: store, concurrency: settings.pipeline.concurrency, dependencyWaitMs: settings.dependencyWaitMs,
            now: now, log: log)
        let sender = BridgeSender(
            context: context, state: state, client: client, hosting: hosting, bells: (core.inbox, core.outbox))
        let applier = try OldEventApplier(
            client: client, database: state, config: settings.pipeline, hosting: hosting,
            owners: TeamOwners(
                known: { try await store.teamOwner($0) }, record: { try await store.recordTeamOwner($0, $1) }))
        let events = EventWorker(
            context: context, applier: applier,
            recalls: RecallApplier(store: store, state: state, client: client, cutoff: settings.cutoff, now: now),
            bells: (core.events, core.inbox))
        let forwarder = settings.oldServerURL.map {
            CCForwarder(store: store, url: $0, bell: core.outbox, now: now, log: log)
        }
        stop.onRequest {
            core.inbox.ring()
            core.outbox.ring()
            core.events.ring()
        }
        let workers = Task {
            await withTaskGroup(of: Void.self) { tasks in
                tasks.addTask { await sender.run(stop: stop) }
                tasks.addTask { await events.run(stop: stop) }
                if let forwarder { tasks.addTask { await forwarder.run(stop: stop) } }
            }
        }
        return ServeServer(
            host: settings.host, resumed: resumed, metrics: core.metrics, server: server, workers: workers, stop: stop,
            cleanup: {
                await hosting.shutdown()
                await forwarder?.shutdown()
            })
    }

    /// Stops taking requests, lets messages in work finish, and returns once everything stopped.
    public func shutdown() async {
        stop.request()
        await server.stop()
        await workers.value
        await cleanup()
    }

    /// Returns when the HTTP server has stopped: after ``shutdown()``, or when the calling task is
    /// cancelled (which stops the HTTP server).
    public func waitUntilStopped() async {
        await server.waitUntilStopped()
    }
}
