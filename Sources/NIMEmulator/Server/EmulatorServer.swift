import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A running NIM emulator listening on a socket.
///
/// `start` returns once the socket is bound (so `port` is the real one even for port 0).
/// `shutdown` asks the server to stop gracefully: no new connections, calls in flight
/// finish, idle keep-alive connections are closed; after 5 s whatever is left is cancelled.
public final class EmulatorServer: Sendable {
    /// Why the emulator could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// The underlying error (for example the address already in use), if any.
        public let underlying: (any Error)?
        /// A one-line explanation.
        public var description: String {
            "NIM emulator did not start: \(underlying.map { "\($0)" } ?? "server stopped before listening")"
        }
    }

    /// The bound port.
    public let port: Int
    private let host: String
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    private init(host: String, port: Int, group: ServiceGroup, task: Task<Void, Never>) {
        self.host = host
        self.port = port
        self.group = group
        self.task = task
    }

    /// `http://HOST:PORT` of the listening socket.
    public var baseURL: String { "http://\(EmulatorCore.reachableHost(host)):\(port)" }

    /// Opens the state, binds the socket and starts serving; returns once listening.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> EmulatorServer {
        let core = try EmulatorCore(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = EmulatorApplication.build(core: core) { channel in
            continuation.yield(channel.localAddress?.port ?? configuration.port)
        }
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: app.logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
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
        guard let port = await iterator.next() else {
            throw StartError(underlying: failure.value)
        }
        return EmulatorServer(host: configuration.host, port: port, group: group, task: task)
    }

    /// Stops serving and waits until the server has stopped.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await task.value
    }

    /// Returns when the server has stopped: after ``shutdown()``, or when the calling task is
    /// cancelled (which shuts the server down).
    public func waitUntilStopped() async {
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            Task { await self.group.triggerGracefulShutdown() }
        }
    }
}
