import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate ids`.
    struct IDs: PipelineCommand {
        static let configuration = CommandConfiguration(commandName: "ids", abstract: "Print the old → new id map.")

        enum Format: String, ExpressibleByArgument { case csv, jsonl }

        @OptionGroup var pipeline: PipelineArgument
        @Option(help: "user, team, file or message (source message ids that were not numbers).") var kind: IDKind
        @Option(help: "csv or jsonl.") var format: Format = .csv

        func execute() async throws -> ExitStatus {
            try await Migration.ids(pipelinePath: pipeline.pipeline, kind: kind, jsonLines: format == .jsonl) {
                FileHandle.standardOutput.write(Data($0.utf8))
            }
            return .done
        }
    }
}
