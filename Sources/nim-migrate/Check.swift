import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate check`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Does the target answer and accept these credentials? One authenticated read (exit 0 or 2).")
        @OptionGroup var pipeline: PipelineArgument

        func run() async throws {
            try await perform(pipeline.pipeline) {
                print(try await Migration.check(pipelinePath: pipeline.pipeline))
                return .done
            }
        }
    }
}
