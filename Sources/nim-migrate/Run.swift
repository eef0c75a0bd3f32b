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
        @Option(help: "Start at this stage, skipping the ones before it.") var from: String?
        @Flag(help: "Try failed items again.") var retryFailed = false

        func validate() throws {
            if let only { _ = try parseStages(only) }
            if let from { _ = try parseStages(from) }
        }

        func run() async throws {
            let options = RunOptions(
                only: try only.map { Set(try parseStages($0)) }, from: try from.flatMap { try parseStages($0).first },
                retryFailed: retryFailed)
            await perform(pipeline.pipeline) {
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

    /// `nim-migrate plan`.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dry run: validate every input line and plan every call; nothing is sent to the target.")

        @OptionGroup var pipeline: PipelineArgument
        @Flag(help: "Print plan.json instead of plan.md.") var json = false

        func run() async throws {
            await perform(pipeline.pipeline) {
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

    /// `nim-migrate status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Progress of each stage, from the state database.")

        @OptionGroup var pipeline: PipelineArgument
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            await perform(pipeline.pipeline) {
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

    /// `nim-migrate ids`.
    struct IDs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ids", abstract: "Print the old → new id map.")

        enum Format: String, ExpressibleByArgument { case csv, jsonl }

        @OptionGroup var pipeline: PipelineArgument
        @Option(help: "user, team, file or message (source message ids that were not numbers).") var kind: String
        @Option(help: "csv or jsonl.") var format: Format = .csv

        func validate() throws {
            guard IDKind(rawValue: kind) != nil else {
                throw ValidationError("--kind must be user, team, file or message")
            }
        }

        func run() async throws {
            let kind = IDKind(rawValue: kind) ?? .user
            await perform(pipeline.pipeline) {
                try await Migration.ids(pipelinePath: pipeline.pipeline, kind: kind, jsonLines: format == .jsonl) {
                    FileHandle.standardOutput.write(Data($0.utf8))
                }
                return .done
            }
        }
    }

    /// `nim-migrate check`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Does the target answer and accept these credentials? One authenticated read (exit 0 or 2).")
        @OptionGroup var pipeline: PipelineArgument

        func run() async throws {
            await perform(pipeline.pipeline) {
                print(try await Migration.check(pipelinePath: pipeline.pipeline))
                return .done
            }
        }
    }

    /// `nim-migrate verify`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read back users, friends, blocklists and teams from the target and diff against the source.")
        @OptionGroup var pipeline: PipelineArgument

        func run() async throws {
            await perform(pipeline.pipeline) {
                let (status, report) = try await Migration.verify(pipelinePath: pipeline.pipeline)
                print(report.markdown(pipeline: pipeline.pipeline), terminator: "")
                return status
            }
        }
    }

}
