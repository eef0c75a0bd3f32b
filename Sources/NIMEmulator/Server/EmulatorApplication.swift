public import EmulatorKit
public import Hummingbird

/// The request context of the NIM emulator's routes (the channel: fault injection closes it to
/// drop a call without a response).
public typealias EmulatorRequestContext = ChannelRequestContext

/// Builds the emulator as a Hummingbird application, for `app.test(.router)` /
/// `app.test(.live)` in tests; ``EmulatorServer`` runs the same application on a socket.
public enum EmulatorApplication {
    /// The application serving the NIM API for `configuration` (state opened now).
    public static func make(_ configuration: EmulatorConfiguration) throws -> some ApplicationProtocol {
        try EmulatorCore(configuration: configuration).application { _ in }
    }
}
