public import Hummingbird
internal import Logging
public import NIOCore

/// Builds an emulator as a Hummingbird application, for `app.test(.router)` / `app.test(.live)` in
/// tests (``RunningEmulator`` runs the same application on a socket); each emulator adds `make`
/// from its own configuration.
public enum EmulatorApplication {
    /// The application serving `service`.
    public static func make(_ service: any EmulatorService) -> Application<RouterResponder<ChannelRequestContext>> {
        service.application { _ in }
    }
}

/// An emulator's shared services as its application and its server see them: a name, an address
/// and routes. Both emulators' cores conform; the application and the socket are made here, once.
public protocol EmulatorService: AnyObject, Sendable {
    /// The server name and log label, e.g. `NIMEmulator`.
    static var serverName: String { get }
    /// The emulator's name in messages, e.g. `NIM emulator`.
    static var displayName: String { get }
    /// Where it listens: the configured host and port until bound, then the bound port.
    var address: BoundAddress { get }
    /// The routes.
    func router() -> Router<ChannelRequestContext>
}

extension EmulatorService {
    /// `http://HOST:PORT` of the listening socket, or of the configuration before binding.
    public var baseURL: String { address.baseURL }

    /// The Hummingbird application: the routes on the configured host and port, logging at
    /// `LOG_LEVEL` (warning by default), the bound port recorded in ``address`` and then told to
    /// `onServerRunning`.
    public func application(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> Application<RouterResponder<ChannelRequestContext>> {
        var logger = Logger(label: Self.serverName)
        logger.logLevel = Environment().get("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return Application(
            router: router(),
            configuration: .init(
                address: .hostname(address.host, port: address.configuredPort), serverName: Self.serverName),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { self.address.didBind(port: port) }
                await onServerRunning(channel)
            },
            logger: logger
        )
    }

    /// Runs the application on its socket; returns once listening.
    public func serve() async throws(EmulatorStartError) -> RunningServer {
        do {
            return try await RunningServer.start(fallbackPort: address.configuredPort) {
                application(onServerRunning: $0)
            }
        } catch {
            throw EmulatorStartError(emulator: Self.displayName, underlying: error.underlying)
        }
    }
}
