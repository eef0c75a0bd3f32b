import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate verify`.
    struct Verify: PipelineCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read back users, friends, blocklists and teams from the target and diff against the source.")
        @OptionGroup var pipeline: PipelineArgument

        func execute() async throws -> ExitStatus {
            let (status, report, page) = try await Migration.verify(pipelinePath: pipeline.pipeline)
            print(report.markdown(pipeline: pipeline.pipeline), terminator: "")
            note("page: \(page)")
            return status
        }
    }
}
