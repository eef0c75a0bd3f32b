import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Progress of each stage, from the state database.")

        @OptionGroup var pipeline: PipelineArgument
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await perform(pipeline.pipeline) {
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let report = try await Migration.status(pipelinePath: pipeline.pipeline, nowMillis: now)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                } else {
                    print(report.text(), terminator: "")
                }
                return .done
            }
        }
    }
}
