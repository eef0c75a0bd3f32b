import Foundation
import MigrationCore
import Synchronization

/// Measures how fast the runner marks items done, and how long resuming a large state takes.
enum CheckpointBench {
    static func run(_ args: [String]) async throws {
        guard args.count >= 2, let items = Int(args[1]) else { throw TestbedError.usage }
        let path = args[0]
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let clock = ContinuousClock()

        let database = try StateDatabase(path: path)
        let register = NoopStage(id: .users, items: items, stopAfter: nil)
        let registered = try await clock.measure {
            _ = try await register.register(
                StageContext(
                    stage: .users, database: database, runID: 0, concurrency: 16, stop: StopSignal(),
                    calls: CallRecorder(), progress: SilentProgress()))
        }
        let half = items / 2
        let processed = try await clock.measure {
            _ = try await PipelineRunner(
                database: database, stages: [NoopStage(id: .users, items: items, stopAfter: half)], concurrency: 16
            ).run()
        }
        let done = try await database.counts()[.users]?.done ?? 0
        // Resume: a new process opens a state of `items` items, half done, and reaches its first item.
        let start = clock.now
        let again = try StateDatabase(path: path)
        let first = FirstItem()
        _ = try await PipelineRunner(
            database: again, stages: [NoopStage(id: .users, items: items, stopAfter: 1, first: first)], concurrency: 16
        ).run()
        let resumed = (first.instant ?? clock.now) - start
        print(
            String(
                format: "checkpoint: registered %d items in %.2f s (%.0f items/s)", items, registered.seconds,
                Double(items) / registered.seconds))
        print(
            String(
                format: "checkpoint: marked %d items done in %.2f s (%.0f items/s)", done, processed.seconds,
                Double(done) / processed.seconds))
        print(String(format: "checkpoint: resume of a %d-item state to its first item: %.3f s", items, resumed.seconds))
    }
}

/// Remembers when the first item was handed to a stage.
final class FirstItem: Sendable {
    private let value = Mutex<ContinuousClock.Instant?>(nil)
    func mark() { value.withLock { if $0 == nil { $0 = ContinuousClock.now } } }
    var instant: ContinuousClock.Instant? { value.withLock { $0 } }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
