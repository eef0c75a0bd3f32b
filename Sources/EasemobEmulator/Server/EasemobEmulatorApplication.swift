public import EmulatorKit
public import Hummingbird

/// The request context of the Easemob emulator's routes (the channel: an outage in `cut` mode
/// closes it without answering).
public typealias EasemobRequestContext = ChannelRequestContext

/// Builds the Easemob emulator as a Hummingbird application (``EmulatorApplication``).
public typealias EasemobEmulatorApplication = EmulatorApplication

extension EmulatorApplication {
    /// The application serving `configuration.exportPath` (the export is read now).
    public static func make(_ configuration: EasemobEmulatorConfiguration) throws -> some ApplicationProtocol {
        make(try EasemobCore(configuration: configuration))
    }
}
