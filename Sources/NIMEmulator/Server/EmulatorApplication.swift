public import EmulatorKit
public import Hummingbird

/// The request context of the NIM emulator's routes (the channel: fault injection closes it to
/// drop a call without a response).
public typealias EmulatorRequestContext = ChannelRequestContext

extension EmulatorApplication {
    /// The application serving the NIM API for `configuration` (state opened now).
    public static func make(_ configuration: EmulatorConfiguration) throws -> some ApplicationProtocol {
        make(try EmulatorCore(configuration: configuration))
    }
}
