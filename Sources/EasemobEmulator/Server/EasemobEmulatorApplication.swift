public import EmulatorKit
public import Hummingbird

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
