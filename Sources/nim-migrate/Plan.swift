import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate plan`.
    struct Plan: PipelineCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dry run: validate every input line and plan every call; nothing is sent to the target.")

        @OptionGroup var pipeline: PipelineArgument
        @Flag(help: "Print plan.json instead of plan.md.") var json = false

        func execute() async throws -> ExitStatus {
            let (status, report, markdown) = try await Migration.plan(pipelinePath: pipeline.pipeline)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(markdown)
            }
            return status
        }
    }
}
