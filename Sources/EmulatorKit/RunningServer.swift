public import Hummingbird
public import NIOCore
internal import ServiceLifecycle

/// A Hummingbird application served on a socket, as both emulators run theirs.
///
/// `start` returns once the socket is bound (so `port` is the real one even for port 0). `stop`
/// asks the server to stop gracefully: no new connections, calls in flight finish, idle
/// keep-alive connections are closed; after 5 s whatever is left is cancelled.
public final class RunningServer: Sendable {
    /// The server stopped before it listened: the underlying error (an address in use), if any.
    public struct StartFailure: Error {
        public let underlying: (any Error)?
    }

    /// The bound port.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    private init(port: Int, group: ServiceGroup, task: Task<Void, Never>) {
        self.port = port
        self.group = group
        self.task = task
    }

    /// Builds the application with a hook told the bound channel, runs it, returns once listening.
    public static func start<App: ApplicationProtocol>(
        fallbackPort: Int, _ build: (_ onServerRunning: @escaping @Sendable (any Channel) async -> Void) -> App
    ) async throws(StartFailure) -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = build { channel in continuation.yield(channel.localAddress?.port ?? fallbackPort) }
        var configuration = ServiceGroupConfiguration(services: [app], logger: app.logger)
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        let failure = LockedBox<(any Error)?>(nil)
        let task = Task {
            do {
                try await group.run()
            } catch {
                failure.value = error
            }
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw StartFailure(underlying: failure.value) }
        return RunningServer(port: port, group: group, task: task)
    }

    /// Stops serving and waits until the server has stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }

    /// Returns when the server has stopped: after ``stop()``, or when the calling task is
    /// cancelled (which stops the server).
    public func waitUntilStopped() async {
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            Task { await self.group.triggerGracefulShutdown() }
        }
    }
}
