public import EmulatorKit

/// A running NIM emulator listening on a socket.
///
/// `start` returns once the socket is bound (so `port` is the real one even for port 0).
/// `shutdown` asks the server to stop gracefully: no new connections, calls in flight
/// finish, idle keep-alive connections are closed; after 5 s whatever is left is cancelled.
public final class EmulatorServer: Sendable {
    /// Why the emulator could not start.
    public typealias StartError = EmulatorStartError

    /// The bound port.
    public var port: Int { server.port }
    private let core: EmulatorCore
    private let server: RunningServer

    private init(core: EmulatorCore, server: RunningServer) {
        self.core = core
        self.server = server
    }

    /// `http://HOST:PORT` of the listening socket.
    public var baseURL: String { core.baseURL }

    /// Opens the state, binds the socket and starts serving; returns once listening.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> EmulatorServer {
        let core = try EmulatorCore(configuration: configuration)
        return EmulatorServer(core: core, server: try await core.serve())
    }

    /// Stops serving and waits until the server has stopped.
    public func shutdown() async {
        await server.stop()
    }

    /// Returns when the server has stopped: after ``shutdown()``, or when the calling task is
    /// cancelled (which shuts the server down).
    public func waitUntilStopped() async {
        await server.waitUntilStopped()
    }
}
