import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate verify`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read back users, friends, blocklists and teams from the target and diff against the source.")
        @OptionGroup var pipeline: PipelineArgument

        func run() async throws {
            try await perform(pipeline.pipeline) {
                let (status, report, page) = try await Migration.verify(pipelinePath: pipeline.pipeline)
                print(report.markdown(pipeline: pipeline.pipeline), terminator: "")
                FileHandle.standardError.write(Data("page: \(page)\n".utf8))
                return status
            }
        }
    }
}
