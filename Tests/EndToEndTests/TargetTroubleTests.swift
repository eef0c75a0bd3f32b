import ExportGenerator
import Foundation
import MigrationCore
import Testing

/// What is wrong with the run stops or pauses the run (SPEC §5 "The run, not the item"): a
/// wrong secret or a dead endpoint stops it at once with exit 2, before any item; an outage of
/// the target pauses it — no item failed — and a too-long one stops it with exit 3, resumable.
@Suite struct TargetTroubleTests {
    /// A generated export (friends enough for the relations stage to last a few seconds at the
    /// rate) and a pipeline against `endpoint` with the AppSecret "right".
    static func prepare(endpoint: String, outageWait: Int = 600) throws -> TestPipeline {
        let dir = try Processes.temporaryDirectory()
        _ = try ExportWriter(spec: ExportSpec(users: 120, groups: 3, messages: 50, seed: 7, bigGroupMembers: 20))
            .write(to: dir + "/export")
        return try TestPipeline.write(
            in: dir, endpoint: endpoint, secret: "right", name: "trouble", stages: [.users, .relations, .groups],
            rate: 100, concurrency: 8, target: ["outage_wait: \(outageWait)"])
    }

    /// `body` with the target and a pipeline against it.
    static func with(outageWait: Int = 600, _ body: (TestTarget, TestPipeline) async throws -> Void) async throws {
        try await withTarget(secret: "right", limit: 150) { target in
            try await body(target, try prepare(endpoint: target.baseURL, outageWait: outageWait))
        }
    }

    /// Waits while `process` runs until the target has answered `count` calls of `endpoint`.
    static func waitForCalls(
        _ count: Int64, of endpoint: String, on target: TestTarget, by process: Process,
        every interval: Duration = .milliseconds(20)
    ) async throws {
        try await waitUntil(timeout: .seconds(300), every: interval) {
            guard process.isRunning else { return true }
            return try await target.dump()["calls"]?[endpoint]?.int ?? 0 >= count
        }
    }

    static func outage(_ target: TestTarget, seconds: Double, mode: String = "cut") async throws {
        try await target.post("/_emulator/outage?seconds=\(seconds)&mode=\(mode)")
    }

    /// How long the target is down in the pause test (`make soak` makes it a minute).
    static let outageSeconds = Double(ProcessInfo.processInfo.environment["OUTAGE_SECONDS"] ?? "") ?? 4

    @Test func aWrongSecretStopsAtOnceAndTheRightOneMigratesEverything() async throws {
        try await Self.with { target, pipeline in
            let wrong = try await pipeline.run(secret: "typo")
            #expect(wrong.code == 2, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("CheckSum") && wrong.stderr.contains(target.baseURL), "\(wrong.stderr)")
            #expect(wrong.stderr.split(separator: "\n").count == 1, "one line: \(wrong.stderr)")
            #expect((try await target.dump()["totalCalls"]?.int ?? 99) <= 2, "a handful of calls at most")
            #expect(!FileManager.default.fileExists(atPath: pipeline.state + "/failed.jsonl"))
            let check = try await pipeline.run("check", secret: "typo")
            #expect(check.code == 2)

            let right = try await pipeline.run()
            #expect(right.code == 0, "\(right.stderr)")
            #expect((try await target.dump()["users"]?.array.count ?? 0) == 120)
        }
    }

    /// The secret rotated under a running migration: the run stops at the first refusal (exit 2),
    /// nothing is failed, and with the new secret the next run finishes.
    @Test func credentialsRefusedMidRunStopTheRunAndLeaveItemsPending() async throws {
        try await Self.with { target, pipeline in
            let (process, _, err) = try pipeline.start()
            try await Self.waitForCalls(20, of: "user/create.action", on: target, by: process)
            try await target.post("/_emulator/secret?value=rotated")
            let before = try await target.dump()["totalCalls"]?.int ?? 0
            try await process.exited()
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 2, "\(stderr)")
            #expect(stderr.contains("CheckSum"), "\(stderr)")
            let after = try await target.dump()["totalCalls"]?.int ?? 0
            #expect(after - before <= 8, "the calls in flight at most, then nothing: \(after - before)")
            let failed = pipeline.textIfAny("failed.jsonl")
            #expect(failed.isEmpty, "\(failed)")
            let again = try await pipeline.run(secret: "rotated")
            #expect(again.code == 0, "\(again.stderr)")
            #expect((try await target.dump()["users"]?.array.count ?? 0) == 120)
        }
    }

    @Test func nothingListeningStopsAtOnceNamingTheEndpoint() async throws {
        // Port 1 of the loopback: nothing listens there.
        let pipeline = try Self.prepare(endpoint: "http://127.0.0.1:1")
        let run = try await pipeline.run()
        #expect(run.code == 2)
        #expect(
            run.stderr.contains("does not answer at http://127.0.0.1:1/nimserver: connection refused"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pipeline.dir + "/state/trouble.sqlite"), "no item touched")
    }

    /// The target goes down in the middle of the relations stage: the run waits, goes on when it is
    /// back, fails nothing and adds nothing twice; the report shows the pause.
    @Test func anOutageIsAPauseNotAFailure() async throws {
        try await Self.with { target, pipeline in
            let (process, _, _) = try pipeline.start(environment: ["NIM_MIGRATE_PROBE_MS": "500"])
            // Wait for the relations stage to be under way.
            try await Self.waitForCalls(20, of: "friend/add.action", on: target, by: process, every: .milliseconds(50))
            try await Self.outage(target, seconds: Self.outageSeconds)
            try await process.exited()
            #expect(process.terminationStatus == 0)
            let report = try pipeline.text("report.md")
            #expect(report.contains("## Pauses: the target did not answer") && report.contains("resumed"), "\(report)")
            let failed = pipeline.textIfAny("failed.jsonl")
            #expect(failed.isEmpty, "\(failed)")
            let dump = try await target.dump()
            #expect(dump["teams"]?.array.count == 3, "exactly one team per group")
            let status = try await pipeline.run("status")
            #expect(status.stdout.contains("target pauses") && status.stdout.contains("resumed"))
        }
    }

    /// Down for longer than `target.outage_wait`: exit 3, nothing failed; the next run finishes.
    @Test func anOutageLongerThanTheWaitStopsResumably() async throws {
        try await Self.with(outageWait: 2) { target, pipeline in
            let (process, _, err) = try pipeline.start(environment: ["NIM_MIGRATE_PROBE_MS": "300"])
            try await Self.waitForCalls(20, of: "friend/add.action", on: target, by: process, every: .milliseconds(50))
            try await Self.outage(target, seconds: 8, mode: "unavailable")
            try await process.exited()
            #expect(process.terminationStatus == 3, "\((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
            let failed = pipeline.textIfAny("failed.jsonl")
            #expect(failed.isEmpty, "\(failed)")
            let stopped = try pipeline.text("report.md")
            #expect(stopped.contains("gave up") && stopped.contains("interrupted"), "\(stopped)")
            try await Self.outage(target, seconds: 0)
            let again = try await pipeline.run()
            #expect(again.code == 0, "\(again.stderr)")
            #expect((try await target.dump()["friends"]?.array.count ?? 0) > 0)
        }
    }
}
