/// A running emulator listening on a socket — the NIM emulator's `EmulatorServer` and the Easemob
/// emulator's `EasemobEmulatorServer` alike (each starts one from its own configuration).
///
/// `start` returns once the socket is bound (so `port` is the real one even for port 0).
/// `shutdown` asks the server to stop gracefully: no new connections, calls in flight finish, idle
/// keep-alive connections are closed; after 5 s whatever is left is cancelled.
public final class RunningEmulator: Sendable {
    /// Why the emulator could not start.
    public typealias StartError = EmulatorStartError

    private let service: any EmulatorService
    private let server: RunningServer

    private init(service: any EmulatorService, server: RunningServer) {
        self.service = service
        self.server = server
    }

    /// Binds the socket and serves `service`; returns once listening.
    public static func start(_ service: any EmulatorService) async throws(StartError) -> RunningEmulator {
        RunningEmulator(service: service, server: try await service.serve())
    }

    /// The bound port.
    public var port: Int { server.port }

    /// `http://HOST:PORT` of the listening socket.
    public var baseURL: String { service.baseURL }

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
