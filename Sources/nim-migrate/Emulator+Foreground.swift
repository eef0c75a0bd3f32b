import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate.Emulator {
    /// Runs an emulator in the foreground until Ctrl-C / SIGTERM: `start` binds it (a failure is
    /// one line on standard error and exit 2), `banner` says where it listens, `stop` ends it and
    /// `wait` returns once it has stopped.
    func runInForeground<Server: Sendable>(
        start: () async throws -> Server, banner: (Server) -> String,
        stop: @escaping @Sendable (Server) async -> Void, wait: (Server) async -> Void
    ) async throws {
        let server: Server
        do {
            server = try await start()
        } catch {
            complain("\(error)")
            throw ExitCode(2)
        }
        note(banner(server))
        let trap = SignalTrap(stop: StopSignal()) { _ in Task { await stop(server) } }
        await wait(server)
        withExtendedLifetime(trap) {}
    }
}
