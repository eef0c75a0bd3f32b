public import EmulatorKit

/// A running NIM emulator listening on a socket (``RunningEmulator``).
public typealias EmulatorServer = RunningEmulator

extension RunningEmulator {
    /// Opens the state, binds the socket and starts serving the NIM API; returns once listening.
    public static func start(_ configuration: EmulatorConfiguration) async throws -> RunningEmulator {
        try await start(try EmulatorCore(configuration: configuration))
    }
}
