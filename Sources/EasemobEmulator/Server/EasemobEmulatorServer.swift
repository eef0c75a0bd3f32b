public import EmulatorKit

/// A running Easemob emulator listening on a socket.
///
/// `start` returns once the socket is bound (so `port` is the real one even for port 0).
/// `stop` shuts the server down gracefully (calls in flight finish; after 5 s whatever is left
/// is cancelled) and returns when it has stopped.
public final class EasemobEmulatorServer: Sendable {
    /// Why the emulator could not start.
    public typealias StartError = EmulatorStartError

    /// The bound port.
    public var port: Int { server.port }
    private let core: EasemobCore
    private let server: RunningServer

    private init(core: EasemobCore, server: RunningServer) {
        self.core = core
        self.server = server
    }

    /// `http://HOST:PORT` of the listening socket: the `host` of a pull pipeline.
    public var baseURL: String { core.baseURL }

    /// The virtual now the emulator started with or has reached, Unix milliseconds.
    public var nowMs: Int64 { core.clock.nowMs }

    /// Reads the export, binds the socket and starts serving; returns once listening.
    public static func start(_ configuration: EasemobEmulatorConfiguration) async throws -> EasemobEmulatorServer {
        let core: EasemobCore
        do {
            core = try EasemobCore(configuration: configuration)
        } catch {
            throw StartError(emulator: EasemobCore.displayName, underlying: error)
        }
        return EasemobEmulatorServer(core: core, server: try await core.serve())
    }

    /// Stops serving and waits until the server has stopped.
    public func stop() async {
        await server.stop()
    }

    /// Returns when the server has stopped: after ``stop()``, or when the calling task is
    /// cancelled (which stops the server).
    public func waitUntilStopped() async {
        await server.waitUntilStopped()
    }
}
