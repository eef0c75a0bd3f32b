public import Hummingbird
import Logging
import NIOCore

/// Builds the emulator as a Hummingbird application, for `app.test(.router)` /
/// `app.test(.live)` in tests; ``EmulatorServer`` runs the same application on a socket.
public enum EmulatorApplication {
    /// The application serving the NIM API for `configuration` (state opened now).
    public static func make(_ configuration: EmulatorConfiguration) throws -> some ApplicationProtocol {
        build(core: try EmulatorCore(configuration: configuration), onServerRunning: { _ in })
    }

    /// The application around an existing core, with a hook told the bound channel.
    static func build(
        core: EmulatorCore, onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> Application<RouterResponder<EmulatorRequestContext>> {
        let configuration = core.configuration
        var logger = Logger(label: "NIMEmulator")
        logger.logLevel = Environment().get("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return Application(
            router: EmulatorRoutes.router(core: core),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "NIMEmulator"),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { core.didBind(port: port) }
                await onServerRunning(channel)
            },
            logger: logger
        )
    }
}
