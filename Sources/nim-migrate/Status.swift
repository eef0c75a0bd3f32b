import ArgumentParser
import DualRun
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate status`.
    struct Status: PipelineCommand {
        static let configuration = CommandConfiguration(abstract: "Progress of each stage, from the state database.")

        @OptionGroup var pipeline: PipelineArgument
        @Flag(help: "Print JSON.") var json = false

        func execute() async throws -> ExitStatus {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let report = try await Migration.status(pipelinePath: pipeline.pipeline, nowMillis: now)
            // Serve's queues and what it could not apply, when serve ran for this pipeline.
            let serve = try await ServeStatus.read(
                pipeline: try PipelineConfig.load(path: pipeline.pipeline), nowMillis: now)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(
                    String(decoding: try encoder.encode(StatusOutput(report: report, serve: serve)), as: UTF8.self))
            } else {
                print(report.text() + (serve?.text() ?? ""), terminator: "")
            }
            return .done
        }
    }
}

/// `status --json`: the report's keys, and `serve` when serve ran.
private struct StatusOutput: Encodable {
    let report: StatusReport
    let serve: ServeStatus?

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(serve, forKey: .serve)
    }

    private enum Key: String, CodingKey { case serve }
}
