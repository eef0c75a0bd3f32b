import ArgumentParser
import Foundation

extension NIMMigrate {
    /// `nim-migrate emulator` (wired to the NIMEmulator target when it lands).
    struct Emulator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a local NIM server emulator on loopback.")

        func run() async throws {
            complain("emulator is not available in this build yet")
            throw ExitCode(2)
        }
    }
}
