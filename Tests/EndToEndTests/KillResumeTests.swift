import ExportGenerator
import Foundation
import MigrationCore
import Testing

/// The runner under real SIGKILLs: a child process running test-double stages is killed at
/// random moments and resumed until it finishes; every item's effect must exist exactly once.
@Suite struct KillResumeTests {
    @Test func killedAtRandomAndResumedEveryItemIsDoneExactlyOnce() async throws {
        let dir = try Processes.temporaryDirectory()
        let state = dir + "/state.sqlite"
        let ledger = dir + "/ledger.txt"
        let items = 600
        let seed = UInt64(ProcessInfo.processInfo.environment["KILL_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        print("kill campaign seed \(seed) (set KILL_SEED to replay)")
        var rng = SplitMix64(seed: seed)
        var kills = 0
        var finished = false
        for _ in 0..<60 where !finished {
            // 8 ms per item, 4 at a time: a whole run takes over 3 s, so even on a loaded machine
            // whose sleeps overshoot, the kill lands before the end.
            let (process, _, _) = try Processes.start(
                "migrate-testbed", ["run", state, ledger, String(items), "users,relations,groups", "8", "4"], in: dir)
            let wait = 20 + rng.below(180)
            try await Task.sleep(for: .milliseconds(wait))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                kills += 1
            } else {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                finished = process.terminationStatus == 0
            }
        }
        if !finished {
            let last = try await Processes.run(
                "migrate-testbed", ["run", state, ledger, String(items), "users,relations,groups", "0", "8"], in: dir)
            #expect(last.code == 0, "\(last.stderr)")
        }
        #expect(kills >= 3, "the campaign should really kill the process (seed \(seed))")
        let lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n")
        let counts = Dictionary(grouping: lines, by: { $0 }).mapValues(\.count)
        #expect(counts.count == items * 3, "every item's effect exists (seed \(seed))")
        #expect(
            counts.values.allSatisfy { $0 == 1 },
            "no effect twice (seed \(seed)): \(counts.filter { $0.value > 1 }.keys.prefix(5))")
        let database = try StateDatabase(path: state)
        let stageCounts = try await database.counts()
        for stage in [StageID.users, .relations, .groups] {
            #expect(stageCounts[stage]?.done == items)
        }
    }

    @Test func killedInsideABigRegistrationTransactionTheStateStillOpensAndFinishes() async throws {
        let dir = try Processes.temporaryDirectory()
        let state = dir + "/state.sqlite"
        let ledger = dir + "/ledger.txt"
        // 100k items are registered in 10k-row transactions: a kill lands mid-transaction.
        let (process, _, _) = try Processes.start(
            "migrate-testbed", ["run", state, ledger, "100000", "users", "0", "1"], in: dir)
        try await Task.sleep(for: .milliseconds(300))
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let database = try StateDatabase(path: state)
        let registered = try await database.counts()[.users]?.total ?? 0
        #expect(registered % 10_000 == 0, "a transaction is all or nothing: \(registered) rows")
        // A smaller pipeline over the same state still completes: the database is sound.
        let again = try await Processes.run(
            "migrate-testbed", ["run", state, ledger, "100000", "users", "0", "16"], in: dir)
        #expect(again.code == 0, "\(again.stderr)")
        #expect(try await database.counts()[.users]?.done == 100_000)
    }

    @Test func ctrlCStopsCleanlyWithExitThreeAndTheNextRunFinishes() async throws {
        let dir = try Processes.temporaryDirectory()
        let state = dir + "/state.sqlite"
        let ledger = dir + "/ledger.txt"
        let (process, _, _) = try Processes.start(
            "migrate-testbed", ["run", state, ledger, "2000", "users", "5", "4"], in: dir)
        // Interrupt once work is under way (a fixed sleep can end before a loaded machine starts it).
        for _ in 0..<500 {
            let done = (try? String(contentsOfFile: ledger, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if done >= 20 || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        let database = try StateDatabase(path: state)
        let counts = try #require(try await database.counts()[.users])
        #expect(counts.inFlight == 0, "started items finished, unstarted ones went back to pending")
        #expect(counts.done > 0 && counts.pending > 0)
        let lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == counts.done, "every effect is checkpointed")
        let resumed = try await Processes.run(
            "migrate-testbed", ["run", state, ledger, "2000", "users", "0", "8"], in: dir)
        #expect(resumed.code == 0)
        let all = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n")
        #expect(all.count == 2000 && Set(all).count == 2000)
    }

    @Test func aSecondRunOfAFinishedPipelineMakesNoCallsAndExitsZero() async throws {
        let dir = try Processes.temporaryDirectory()
        let state = dir + "/state.sqlite"
        let ledger = dir + "/ledger.txt"
        let first = try await Processes.run("migrate-testbed", ["run", state, ledger, "100", "users,groups"], in: dir)
        #expect(first.code == 0, "\(first.stderr)")
        let before = try String(contentsOfFile: ledger, encoding: .utf8)
        let second = try await Processes.run("migrate-testbed", ["run", state, ledger, "100", "users,groups"], in: dir)
        #expect(second.code == 0)
        #expect(try String(contentsOfFile: ledger, encoding: .utf8) == before)
        let database = try StateDatabase(path: state)
        let lastRun = try #require(try await database.lastRun())
        #expect(try await database.callStats(run: lastRun.id).isEmpty)
        #expect(try await database.callStats()[.users]?["ledger/append"]?.calls == 100)
    }
}
