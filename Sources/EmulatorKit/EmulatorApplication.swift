public import Hummingbird
internal import Logging
public import NIOCore

/// An emulator's Hummingbird application: its router on `host:port`, logging at `LOG_LEVEL`
/// (warning by default), the bound port told to `didBind` and then to `onServerRunning`.
public enum EmulatorApplicationBuilder {
    /// The application named `name` (its server name and log label).
    public static func build(
        name: String, host: String, port: Int, router: Router<ChannelRequestContext>,
        didBind: @escaping @Sendable (Int) -> Void,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> Application<RouterResponder<ChannelRequestContext>> {
        var logger = Logger(label: name)
        logger.logLevel = Environment().get("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: name),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { didBind(port) }
                await onServerRunning(channel)
            },
            logger: logger
        )
    }
}
