import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate check`.
    struct Check: PipelineCommand {
        static let configuration = CommandConfiguration(
            abstract: "Does the target answer and accept these credentials? One authenticated read (exit 0 or 2).")
        @OptionGroup var pipeline: PipelineArgument

        func execute() async throws -> ExitStatus {
            print(try await Migration.check(pipelinePath: pipeline.pipeline))
            return .done
        }
    }
}
