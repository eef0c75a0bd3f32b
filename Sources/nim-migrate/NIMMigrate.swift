public import ArgumentParser
import Foundation
import MigrationCore
import NIMEmulator

/// `nim-migrate`: moves an IM tenant into NetEase Yunxin IM. Each subcommand parses its options
/// and calls the library; nothing here decides anything about a migration.
@main
struct NIMMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nim-migrate",
        abstract: "Move an IM tenant (users, friends, groups, files, history, sessions) into NetEase Yunxin IM.",
        subcommands: [
            Plan.self, Run.self, Status.self, Verify.self, IDs.self, Check.self, Serve.self, Pull.self, Emulator.self,
            GenerateSample.self,
            PipelineInfo.self,
        ]
    )
}

/// The pipeline file every operator command takes.
struct PipelineArgument: ParsableArguments {
    @Argument(help: "The pipeline file, e.g. pipelines/sample.yaml.")
    var pipeline: String
}

/// A subcommand of one pipeline file: `execute` does its work, ``perform(_:_:)`` turns what it
/// throws into one line and its status into the exit code.
protocol PipelineCommand: AsyncParsableCommand {
    /// The pipeline file (an `@OptionGroup`).
    var pipeline: PipelineArgument { get }
    /// The command's work; the exit status.
    func execute() async throws -> ExitStatus
}

extension PipelineCommand {
    func run() async throws {
        try await perform(pipeline.pipeline) { try await execute() }
    }
}

/// Runs a command body, turning every error into one line on standard error and the exit status
/// into argument-parser's `ExitCode` (thrown, never `exit()` from async code).
func perform(_ pipeline: String, _ body: () async throws -> ExitStatus) async throws {
    let status: ExitStatus
    do {
        status = try await body()
    } catch let error as ConfigError {
        complain("\(pipeline): \(error)")
        throw ExitCode(ExitStatus.unusable.rawValue)
    } catch {
        complain("\(error)")
        throw ExitCode(ExitStatus.unusable.rawValue)
    }
    if status != .done { throw ExitCode(status.rawValue) }
}

/// A line on standard error: what a command says beside its output (progress, where a page is).
func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A line on standard error naming the tool: what went wrong.
func complain(_ message: String) {
    note("nim-migrate: \(message)")
}

/// Parses a comma list of stage names.
func parseStages(_ text: String) throws -> [StageID] {
    try text.split(separator: ",").map { name in
        guard let stage = StageID(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
            let known = StageID.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("unknown stage '\(name)' (stages: \(known))")
        }
        return stage
    }
}

extension StageID: ExpressibleByArgument {}
extension IDKind: ExpressibleByArgument {}
extension EmulatorConfiguration.FriendDelete: ExpressibleByArgument {}
