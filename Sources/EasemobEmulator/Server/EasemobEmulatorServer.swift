public import EmulatorKit

/// A running Easemob emulator listening on a socket (``RunningEmulator``).
public typealias EasemobEmulatorServer = RunningEmulator

extension RunningEmulator {
    /// Reads the export, binds the socket and starts serving Easemob's API; returns once listening.
    public static func start(_ configuration: EasemobEmulatorConfiguration) async throws -> RunningEmulator {
        let core: EasemobCore
        do {
            core = try EasemobCore(configuration: configuration)
        } catch {
            throw StartError(emulator: EasemobCore.displayName, underlying: error)
        }
        return try await start(core)
    }
}
