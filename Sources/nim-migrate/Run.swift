import ArgumentParser
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run or resume the pipeline (exit 0 done, 1 items not migrated, 2 unusable, 3 interrupted).")

        @OptionGroup var pipeline: PipelineArgument
        @Option(help: "Run only these stages (comma list).") var only: String?
        @Option(help: "Start at this stage (one of users, relations, groups, files, history, sessions).")
        var from: StageID?
        @Flag(help: "Try failed items again.") var retryFailed = false

        func validate() throws {
            if let only { _ = try parseStages(only) }
        }

        func run() async throws {
            let options = RunOptions(
                only: try only.map { Set(try parseStages($0)) }, from: from, retryFailed: retryFailed)
            try await perform(pipeline.pipeline) {
                let stop = StopSignal()
                let progress = ConsoleProgress()
                let trap = SignalTrap(stop: stop) { _ in
                    Task { await progress.note("stopping: letting calls in flight finish (Ctrl-C again to quit now)") }
                }
                defer { withExtendedLifetime(trap) {} }
                return try await Migration.run(
                    pipelinePath: pipeline.pipeline, options: options, stop: stop, progress: progress)
            }
        }
    }
}
