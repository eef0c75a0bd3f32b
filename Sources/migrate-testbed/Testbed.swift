import Foundation
import MigrationCore

/// `migrate-testbed`: the pipeline runner with test-double stages, as a real process that tests
/// kill with SIGKILL, and the checkpoint benchmark.
///
///     migrate-testbed run STATE LEDGER ITEMS [STAGES] [DELAY_MS] [CONCURRENCY]
///     migrate-testbed bench-checkpoint STATE ITEMS
@main
enum Testbed {
    static func main() async {
        let args = Array(CommandLine.arguments.dropFirst())
        do {
            switch args.first {
            case "run": exit(try await run(Array(args.dropFirst())))
            case "bench-checkpoint": try await CheckpointBench.run(Array(args.dropFirst()))
            case "bench-throttle": try await ThrottleBench.run(Array(args.dropFirst()))
            case "bench-history": try await HistoryBench.run(Array(args.dropFirst()))
            case "bench-easemob": try await EasemobBench.run(Array(args.dropFirst()))
            default:
                FileHandle.standardError.write(Data("usage: migrate-testbed run|bench-checkpoint …\n".utf8))
                exit(2)
            }
        } catch {
            FileHandle.standardError.write(Data("migrate-testbed: \(error)\n".utf8))
            exit(2)
        }
    }

    static func run(_ args: [String]) async throws -> Int32 {
        guard args.count >= 3, let items = Int(args[2]) else { throw TestbedError.usage }
        let stageIDs = (args.count > 3 ? args[3] : "users,relations").split(separator: ",").compactMap {
            StageID(rawValue: String($0))
        }
        let delay = Duration.milliseconds(args.count > 4 ? Int(args[4]) ?? 0 : 0)
        let concurrency = args.count > 5 ? Int(args[5]) ?? 8 : 8
        let database = try StateDatabase(path: args[0])
        let stages: [any Stage] = stageIDs.map { LedgerStage(id: $0, items: items, ledger: args[1], delay: delay) }
        let stop = StopSignal()
        let signals = SignalTrap(stop: stop)
        defer { withExtendedLifetime(signals) {} }
        let summary = try await PipelineRunner(
            database: database, stages: stages, concurrency: concurrency, stop: stop
        ).run()
        return summary.status.rawValue
    }
}

enum TestbedError: Error { case usage }
