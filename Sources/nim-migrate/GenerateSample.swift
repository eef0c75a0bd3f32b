import ArgumentParser
import ExportGenerator
import Foundation

extension NIMMigrate {
    /// `nim-migrate generate-sample`: writes a deterministic canonical export.
    struct GenerateSample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-sample",
            abstract: "Write a deterministic canonical export (for tests, demos, benchmarks).")

        @Option(help: "Output folder (created).") var out: String
        @Option(help: "Users.") var users = 300
        @Option(help: "Messages.") var messages = 4000
        @Option(help: "Groups.") var groups = 12
        @Option(help: "Random seed.") var seed: UInt64 = 20_261_127
        @Option(
            name: .customLong("attachment-base"),
            help: "Reference attachments as URL/NAME (an old CDN, e.g. `emulator --cdn-dir OUT/files`).")
        var attachmentBase: String?

        func run() async throws {
            var spec = ExportSpec(users: users, groups: groups, messages: messages, seed: seed)
            spec.attachmentBase = attachmentBase
            do {
                let summary = try ExportWriter(spec: spec).write(to: out)
                print(summary)
            } catch {
                complain("\(error)")
                throw ExitCode(2)
            }
        }
    }
}
