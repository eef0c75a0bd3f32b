import ExportGenerator
import Foundation
import MigrationCore
import Testing

/// The runner under real SIGKILLs: a child process running test-double stages is killed at
/// random moments and resumed until it finishes; every item's effect must exist exactly once.
@Suite struct KillResumeTests {
    /// `migrate-testbed run` in a fresh folder: its state database and the ledger its stages
    /// append each item's effect to.
    struct Testbed {
        let dir: String
        var state: String { dir + "/state.sqlite" }
        var ledger: String { dir + "/ledger.txt" }

        init() throws { dir = try Processes.temporaryDirectory() }

        /// `run STATE LEDGER ITEMS STAGES [MS_PER_ITEM [CONCURRENCY]]`.
        func arguments(_ items: Int, _ stages: String, _ rest: [String]) -> [String] {
            ["run", state, ledger, String(items), stages] + rest
        }

        func start(_ items: Int, _ stages: String, _ rest: String...) throws -> Process {
            try Processes.start("migrate-testbed", arguments(items, stages, rest), in: dir).0
        }

        func run(_ items: Int, _ stages: String, _ rest: String..., failpoint: String? = nil) async throws -> (
            code: Int32, stdout: String, stderr: String
        ) {
            try await Processes.run(
                "migrate-testbed", arguments(items, stages, rest), in: dir,
                environment: failpoint.map { ["NIM_MIGRATE_FAILPOINT": $0] } ?? [:])
        }

        /// The effects so far, one a line.
        func effects() throws -> [Substring] {
            try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n")
        }
    }

    @Test func killedAtRandomAndResumedEveryItemIsDoneExactlyOnce() async throws {
        let testbed = try Testbed()
        let items = 600
        let seed = UInt64(ProcessInfo.processInfo.environment["KILL_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        print("kill campaign seed \(seed) (set KILL_SEED to replay)")
        var rng = SplitMix64(seed: seed)
        var kills = 0
        var finished = false
        for _ in 0..<100 where !finished {
            // The process kills itself after a random number (1–60) of new effects: a failpoint,
            // not the test's timer, which a machine busy with the whole suite can delay past a
            // whole run (the campaign then ends without its kills).
            let kill = "ledger.after-append@\(1 + rng.below(60))"
            let run = try await testbed.run(items, "users,relations,groups", "1", "4", failpoint: kill)
            if run.code == 0 {
                finished = true
            } else {
                kills += 1
            }
        }
        if !finished {
            let last = try await testbed.run(items, "users,relations,groups", "0", "8")
            #expect(last.code == 0, "\(last.stderr)")
        }
        #expect(kills >= 3, "the campaign should really kill the process (seed \(seed))")
        let counts = Dictionary(grouping: try testbed.effects(), by: { $0 }).mapValues(\.count)
        #expect(counts.count == items * 3, "every item's effect exists (seed \(seed))")
        #expect(
            counts.values.allSatisfy { $0 == 1 },
            "no effect twice (seed \(seed)): \(counts.filter { $0.value > 1 }.keys.prefix(5))")
        let database = try StateDatabase(path: testbed.state)
        let stageCounts = try await database.counts()
        for stage in [StageID.users, .relations, .groups] {
            #expect(stageCounts[stage]?.done == items)
        }
    }

    @Test func killedInsideABigRegistrationTransactionTheStateStillOpensAndFinishes() async throws {
        let testbed = try Testbed()
        // 100k items are gathered in batches, then settled in one transaction: the process kills
        // itself (a failpoint) with every row of it written and the transaction still open.
        let killed = try await testbed.run(100_000, "users", "0", "1", failpoint: "register.mid-transaction")
        #expect(killed.code == SIGKILL, "killed by its failpoint: \(killed.code) \(killed.stderr)")
        let database = try StateDatabase(path: testbed.state)
        let registered = try await database.counts()[.users]?.total ?? 0
        #expect(registered == 0, "a transaction is all or nothing: \(registered) rows")
        // A smaller pipeline over the same state still completes: the database is sound.
        let again = try await testbed.run(100_000, "users", "0", "16")
        #expect(again.code == 0, "\(again.stderr)")
        #expect(try await database.counts()[.users]?.done == 100_000)
    }

    @Test func ctrlCStopsCleanlyWithExitThreeAndTheNextRunFinishes() async throws {
        let testbed = try Testbed()
        // Ctrl-C once work is under way: the process signals itself after its 20th effect (a
        // failpoint; a test's timer can be late on a machine busy with the whole suite).
        let interrupted = try await testbed.run(2000, "users", "5", "4", failpoint: "ledger.after-append@20:INT")
        #expect(interrupted.code == 3, "\(interrupted.stderr)")
        let database = try StateDatabase(path: testbed.state)
        let counts = try #require(try await database.counts()[.users])
        #expect(counts.inFlight == 0, "started items finished, unstarted ones went back to pending")
        #expect(counts.done > 0 && counts.pending > 0)
        #expect(try testbed.effects().count == counts.done, "every effect is checkpointed")
        let resumed = try await testbed.run(2000, "users", "0", "8")
        #expect(resumed.code == 0)
        let all = try testbed.effects()
        #expect(all.count == 2000 && Set(all).count == 2000)
    }

    @Test func aSecondRunOfAFinishedPipelineMakesNoCallsAndExitsZero() async throws {
        let testbed = try Testbed()
        let first = try await testbed.run(100, "users,groups")
        #expect(first.code == 0, "\(first.stderr)")
        let before = try String(contentsOfFile: testbed.ledger, encoding: .utf8)
        let second = try await testbed.run(100, "users,groups")
        #expect(second.code == 0)
        #expect(try String(contentsOfFile: testbed.ledger, encoding: .utf8) == before)
        let database = try StateDatabase(path: testbed.state)
        let lastRun = try #require(try await database.lastRun())
        #expect(try await database.callStats(run: lastRun.id).isEmpty)
        #expect(try await database.callStats()[.users]?["ledger/append"]?.calls == 100)
    }
}
