public import Hummingbird
internal import Logging

/// A test's own small HTTP server: a router served on a loopback address, quiet (critical-level
/// logging), the old side of the tests that need one (the old IM server, a "secret" service, a CDN).
///
/// `start` returns once the socket is bound, so ``port`` is the real one even for port 0; `stop`
/// cancels the server's task.
public final class LoopbackServer: Sendable {
    /// The bound port (0 when the server stopped before it listened).
    public let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Serves `router` on `host:port` (port 0: a free one); `label` names its logger.
    public static func start(
        _ router: Router<BasicRequestContext>, host: String = "127.0.0.1", port: Int = 0, label: String
    ) async -> LoopbackServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        return LoopbackServer(port: await iterator.next() ?? 0, task: task)
    }

    /// Stops serving.
    public func stop() {
        task.cancel()
    }
}
