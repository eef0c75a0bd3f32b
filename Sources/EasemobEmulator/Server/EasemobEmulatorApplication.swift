public import EmulatorKit
public import Hummingbird
internal import NIOCore

/// The request context of the Easemob emulator's routes (the channel: an outage in `cut` mode
/// closes it without answering).
public typealias EasemobRequestContext = ChannelRequestContext

/// Builds the Easemob emulator as a Hummingbird application, for `app.test(.router)` /
/// `app.test(.live)` in tests; ``EasemobEmulatorServer`` runs the same application on a socket.
public enum EasemobEmulatorApplication {
    /// The application serving `configuration.exportPath` (the export is read now).
    public static func make(_ configuration: EasemobEmulatorConfiguration) throws -> some ApplicationProtocol {
        try EasemobCore(configuration: configuration).application { _ in }
    }
}

extension EasemobCore {
    /// The application around this core, with a hook told the bound channel.
    func application(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> Application<RouterResponder<EasemobRequestContext>> {
        EmulatorApplicationBuilder.build(
            name: "EasemobEmulator", host: configuration.host, port: configuration.port,
            router: EasemobRoutes.router(core: self), didBind: { self.didBind(port: $0) },
            onServerRunning: onServerRunning)
    }
}
