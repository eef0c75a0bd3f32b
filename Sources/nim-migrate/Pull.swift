import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate pull`.
    struct Pull: PipelineCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the old vendor's app (Easemob, source.pull) into source.path; incremental, resumable.")
        @OptionGroup var pipeline: PipelineArgument

        func execute() async throws -> ExitStatus {
            let report: PullReport
            do {
                report = try await SourceFormats.pull(
                    pipelinePath: pipeline.pipeline, environment: ProcessInfo.processInfo.environment, progress: note)
            } catch let halt as PullHalt {
                complain(halt.description)
                return ExitStatus(rawValue: halt.exitCode) ?? .unusable
            }
            if let halted = report.halted { complain(halted) }
            let hours = report.hours
            print(
                "pulled \(report.app): hours \(hours.saved) saved, \(hours.empty) empty, \(hours.tooNew.count) too new, "
                    + "\(hours.expired) expired; files \(report.files.saved) saved, \(report.files.expired) expired "
                    + "(report: state/\(report.pipeline)/pull.md, page: state/\(report.pipeline)/pull.html)")
            return ExitStatus(rawValue: report.exitCode) ?? .incomplete
        }
    }
}
