public import Hummingbird
import Logging
import NIOCore

/// Builds the Easemob emulator as a Hummingbird application, for `app.test(.router)` /
/// `app.test(.live)` in tests; ``EasemobEmulatorServer`` runs the same application on a socket.
public enum EasemobEmulatorApplication {
    /// The application serving `configuration.exportPath` (the export is read now).
    public static func make(_ configuration: EasemobEmulatorConfiguration) throws -> some ApplicationProtocol {
        build(core: try EasemobCore(configuration: configuration), onServerRunning: { _ in })
    }

    /// The application around an existing core, with a hook told the bound channel.
    static func build(
        core: EasemobCore, onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> Application<RouterResponder<EasemobRequestContext>> {
        let configuration = core.configuration
        var logger = Logger(label: "EasemobEmulator")
        logger.logLevel = Environment().get("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return Application(
            router: EasemobRoutes.router(core: core),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "EasemobEmulator"),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { core.didBind(port: port) }
                await onServerRunning(channel)
            },
            logger: logger
        )
    }
}
