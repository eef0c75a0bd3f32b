import ArgumentParser
import DualRun
import Foundation
import MigrationCore

extension NIMMigrate {
    /// `nim-migrate serve`: dual-running (SPEC §7) until Ctrl-C / SIGTERM.
    struct Serve: PipelineCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dual-running: incremental endpoint for NIM, old → NIM message bridge, NIM CC → old server.")
        @OptionGroup var pipeline: PipelineArgument

        func execute() async throws -> ExitStatus {
            let stop = StopSignal()
            let trap = SignalTrap(stop: stop)
            defer { withExtendedLifetime(trap) {} }
            return try await DualRunning.serve(pipelinePath: pipeline.pipeline, stop: stop, log: note)
        }
    }
}
