import Foundation
import Synchronization
import Testing

@testable import MigrationCore

@Suite struct PipelineRunnerTests {
    @Test func runsEveryStageInOrderAndEachItemOnce() async throws {
        let db = try temporaryDatabase()
        let effects = CountingStage.Effects()
        let keys = (0..<500).map { "k\($0)" }
        let stages: [any Stage] = [
            CountingStage(id: .groups, keys: keys.map { "g-" + $0 }, effects: effects),
            CountingStage(id: .users, keys: keys, effects: effects),
        ]
        let summary = try await PipelineRunner(database: db, stages: stages, concurrency: 8).run()
        #expect(summary.status == .done)
        #expect(summary.stages == [.users, .groups])
        #expect(effects.snapshot.count == 1000)
        #expect(effects.snapshot.values.allSatisfy { $0 == 1 })
        #expect(try await db.counts()[.users]?.done == 500)
        #expect(try await db.callStats(run: summary.runID)[.users]?["test/effect"]?.calls == 500)
    }

    @Test func aSecondRunOfAFinishedPipelineDoesNothing() async throws {
        let db = try temporaryDatabase()
        let effects = CountingStage.Effects()
        let stage = CountingStage(id: .users, keys: (0..<50).map { "k\($0)" }, effects: effects)
        _ = try await PipelineRunner(database: db, stages: [stage]).run()
        let second = try await PipelineRunner(database: db, stages: [stage]).run()
        #expect(second.status == .done)
        #expect(effects.total == 50)
        #expect(try await db.callStats(run: second.runID).isEmpty)
    }

    @Test func itemsLeftInFlightAreHandedBackAsResumedFirst() async throws {
        let db = try temporaryDatabase()
        let effects = CountingStage.Effects()
        let stage = CountingStage(id: .users, keys: (0..<20).map { "k\($0)" }, effects: effects)
        let context = StageContext(
            stage: .users, database: db, runID: 0, concurrency: 1, stop: StopSignal(), calls: CallRecorder(),
            progress: SilentProgress())
        _ = try await stage.register(context)
        // A run that died after claiming three (the first in id order: a pass's ids follow its keys).
        let claimed = try await db.claim(stage: .users, limit: 3).map(\.key)
        #expect(claimed == ["k0", "k1", "k10"])
        let summary = try await PipelineRunner(database: db, stages: [stage], concurrency: 1).run()
        #expect(summary.status == .done)
        #expect(effects.resumed.withLock { $0 } == claimed)
        #expect(effects.total == 20)
    }

    @Test func failuresEndWithExitOneAndRetryFailedTriesThemAgain() async throws {
        let db = try temporaryDatabase()
        let effects = CountingStage.Effects()
        var stage = CountingStage(id: .users, keys: ["a", "b", "c"], effects: effects, failKeys: ["b"])
        #expect(try await PipelineRunner(database: db, stages: [stage]).run().status == .incomplete)
        #expect(try await db.failedItems(stage: .users).map(\.item.key) == ["b"])
        // Without --retry-failed the failure stays.
        #expect(try await PipelineRunner(database: db, stages: [stage]).run().status == .incomplete)
        stage.failKeys = []
        let retried = try await PipelineRunner(database: db, stages: [stage], options: RunOptions(retryFailed: true))
            .run()
        #expect(retried.status == .done)
        #expect(effects.snapshot == ["a": 1, "b": 1, "c": 1])
    }

    @Test func onlyAndFromSelectStages() async throws {
        #expect(RunOptions(only: [.groups, .users]).select(from: StageID.allCases) == [.users, .groups])
        #expect(RunOptions(from: .files).select(from: [.users, .files, .history]) == [.files, .history])
        #expect(RunOptions(only: [.users], from: .groups).select(from: StageID.allCases).isEmpty)
        let db = try temporaryDatabase()
        let effects = CountingStage.Effects()
        let stages: [any Stage] = [
            CountingStage(id: .users, keys: ["u"], effects: effects),
            CountingStage(id: .relations, keys: ["r"], effects: effects),
        ]
        let summary = try await PipelineRunner(database: db, stages: stages, options: RunOptions(from: .relations))
            .run()
        #expect(summary.stages == [.relations])
        #expect(effects.snapshot == ["r": 1])
    }

    @Test func aStopRequestEndsCleanlyAndTheNextRunFinishes() async throws {
        let db = try temporaryDatabase()
        let effects = CountingStage.Effects()
        let stop = StopSignal()
        let keys = (0..<400).map { "k\($0)" }
        let stoppingStage = CountingStage(id: .users, keys: keys, effects: effects, stopAfter: 50, stop: stop)
        let first = try await PipelineRunner(database: db, stages: [stoppingStage], concurrency: 4, stop: stop).run()
        #expect(first.status == .interrupted)
        let counts = try #require(try await db.counts()[.users])
        #expect(counts.inFlight == 0, "unstarted claims go back to pending on a clean stop")
        #expect(counts.done == effects.total)
        let plain = CountingStage(id: .users, keys: keys, effects: effects)
        #expect(try await PipelineRunner(database: db, stages: [plain]).run().status == .done)
        #expect(effects.snapshot.count == 400 && effects.snapshot.values.allSatisfy { $0 == 1 })
    }

    @Test func sourceProblemsMakeTheRunIncomplete() async throws {
        let db = try temporaryDatabase()
        try await db.record(problems: [
            Problem(stage: .users, file: "users.jsonl", line: 2, code: "invalid-accid", message: "x")
        ])
        let stage = CountingStage(id: .users, keys: ["a"], effects: .init())
        #expect(try await PipelineRunner(database: db, stages: [stage]).run().status == .incomplete)
    }
}

/// Issue 16 (5): a stage built whole from its inputs (sessions from history) builds again when an
/// input finished an item after its last build — derived from finish times in the state database,
/// so also when the run that finished it died before reaching the stage.
@Suite struct StageInputsTests {
    /// Builds once per reopening, counting builds.
    struct Rebuilt: Stage {
        let id = StageID.sessions
        let builds: CountingStage.Effects

        func register(_ context: StageContext) async throws -> StagePlan {
            try await context.registerOnce(fingerprint: "build") { emit in
                try await emit([NewWorkItem(key: "build", kind: "build")])
            }
            return StagePlan(items: 1)
        }

        func inputsFinished(at instant: Int64, _ context: StageContext) async throws {
            try await context.reopen("build", ifDoneBy: instant)
        }

        func run(_ context: StageContext) async throws {
            try await context.process { _, _ in
                builds.add("build")
                return .done()
            }
        }
    }

    @Test func aStageBuiltFromItsInputsBuildsAgainOnlyWhenTheyChanged() async throws {
        let clock = Mutex<Int64>(1_000)
        let db = try StateDatabase.inMemory(now: {
            clock.withLock {
                $0 += 1; return $0
            }
        })
        let builds = CountingStage.Effects()
        let history = { (keys: [String]) in CountingStage(id: .history, keys: keys, effects: .init()) }
        let sessions = Rebuilt(builds: builds)
        #expect(StageID.sessions.inputs.contains(.history))

        _ = try await PipelineRunner(database: db, stages: [history(["a"]), sessions]).run()
        #expect(builds.total == 1)
        _ = try await PipelineRunner(database: db, stages: [history(["a"]), sessions]).run()
        #expect(builds.total == 1, "nothing new: no second build")

        // New history finished by a run that stopped before sessions (here: history alone).
        _ = try await PipelineRunner(
            database: db, stages: [history(["a", "b"]), sessions], options: RunOptions(only: [.history])
        ).run()
        #expect(builds.total == 1)
        _ = try await PipelineRunner(database: db, stages: [history(["a", "b"]), sessions]).run()
        #expect(builds.total == 2, "the new history is in the sessions")
    }
}
