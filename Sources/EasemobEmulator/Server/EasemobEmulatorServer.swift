import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A running Easemob emulator listening on a socket.
///
/// `start` returns once the socket is bound (so `port` is the real one even for port 0).
/// `stop` shuts the server down gracefully (calls in flight finish; after 5 s whatever is left
/// is cancelled) and returns when it has stopped.
public final class EasemobEmulatorServer: Sendable {
    /// Why the emulator could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// The underlying error (the export unreadable, the address in use), if any.
        public let underlying: (any Error)?
        /// A one-line explanation.
        public var description: String {
            "Easemob emulator did not start: \(underlying.map { "\($0)" } ?? "server stopped before listening")"
        }
    }

    /// The bound port.
    public let port: Int
    private let core: EasemobCore
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    private init(core: EasemobCore, port: Int, group: ServiceGroup, task: Task<Void, Never>) {
        self.core = core
        self.port = port
        self.group = group
        self.task = task
    }

    /// `http://HOST:PORT` of the listening socket: the `host` of a pull pipeline.
    public var baseURL: String { "http://\(EasemobCore.reachableHost(core.configuration.host)):\(port)" }

    /// The virtual now the emulator started with or has reached, Unix milliseconds.
    public var nowMs: Int64 { core.clock.nowMs }

    /// Reads the export, binds the socket and starts serving; returns once listening.
    public static func start(_ configuration: EasemobEmulatorConfiguration) async throws -> EasemobEmulatorServer {
        let core: EasemobCore
        do {
            core = try EasemobCore(configuration: configuration)
        } catch {
            throw StartError(underlying: error)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = EasemobEmulatorApplication.build(core: core) { channel in
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
        return EasemobEmulatorServer(core: core, port: port, group: group, task: task)
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
