import ExportGenerator
import Foundation
import MigrationCore
import NIMEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What is wrong with the run stops or pauses the run (SPEC §5 "The run, not the item"): a
/// wrong secret or a dead endpoint stops it at once with exit 2, before any item; an outage of
/// the target pauses it — no item failed — and a too-long one stops it with exit 3, resumable.
@Suite struct TargetTroubleTests {
    /// A generated export (friends enough for the relations stage to last a few seconds at the
    /// rate) and a pipeline against `server`.
    static func prepare(_ server: EmulatorServer, outageWait: Int = 600) throws -> String {
        let dir = try Processes.temporaryDirectory()
        _ = try ExportWriter(spec: ExportSpec(users: 120, groups: 3, messages: 50, seed: 7, bigGroupMembers: 20))
            .write(to: dir + "/export")
        try """
        name: trouble
        source: {format: canonical, path: export}
        target: {endpoint: "\(server.baseURL)/nimserver", appkey: k, app_secret_env: T_SECRET, outage_wait: \(outageWait)}
        throttle: {rate: 100}
        concurrency: 8
        stages: [users, relations, groups]

        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    static func emulator() async throws -> EmulatorServer {
        var config = EmulatorConfiguration(appSecret: "right")
        config.port = 0
        config.limit = 150
        return try await EmulatorServer.start(config)
    }

    static func dump(_ server: EmulatorServer) async throws -> JSONValue {
        guard let url = URL(string: server.baseURL + "/_emulator/dump") else { throw URLError(.badURL) }
        return try JSONValue.parse(try await URLSession.shared.data(from: url).0)
    }

    static func outage(_ server: EmulatorServer, seconds: Double, mode: String = "cut") async throws {
        try await post(server, "/_emulator/outage?seconds=\(seconds)&mode=\(mode)")
    }

    /// How long the target is down in the pause test (`make soak` makes it a minute).
    static let outageSeconds = Double(ProcessInfo.processInfo.environment["OUTAGE_SECONDS"] ?? "") ?? 4

    @Test func aWrongSecretStopsAtOnceAndTheRightOneMigratesEverything() async throws {
        let server = try await Self.emulator()
        let dir = try Self.prepare(server)
        let wrong = try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "typo"])
        #expect(wrong.code == 2, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("CheckSum") && wrong.stderr.contains(server.baseURL), "\(wrong.stderr)")
        #expect(wrong.stderr.split(separator: "\n").count == 1, "one line: \(wrong.stderr)")
        #expect((try await Self.dump(server)["totalCalls"]?.int ?? 99) <= 2, "a handful of calls at most")
        #expect(!FileManager.default.fileExists(atPath: dir + "/state/trouble/failed.jsonl"))
        let check = try await Processes.run("nim-migrate", ["check", "p.yaml"], in: dir, environment: ["T_SECRET": "typo"])
        #expect(check.code == 2)

        let right = try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "right"])
        #expect(right.code == 0, "\(right.stderr)")
        #expect((try await Self.dump(server)["users"]?.array.count ?? 0) == 120)
        await server.shutdown()
    }

    /// The secret rotated under a running migration: the run stops at the first refusal (exit 2),
    /// nothing is failed, and with the new secret the next run finishes.
    @Test func credentialsRefusedMidRunStopTheRunAndLeaveItemsPending() async throws {
        let server = try await Self.emulator()
        let dir = try Self.prepare(server)
        let (process, _, err) = try Processes.start(
            "nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "right"])
        while process.isRunning, (try await Self.dump(server)["calls"]?["user/create.action"]?.int ?? 0) < 20 {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Self.post(server, "/_emulator/secret?value=rotated")
        let before = try await Self.dump(server)["totalCalls"]?.int ?? 0
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 2, "\(stderr)")
        #expect(stderr.contains("CheckSum"), "\(stderr)")
        let after = try await Self.dump(server)["totalCalls"]?.int ?? 0
        #expect(after - before <= 8, "the calls in flight at most, then nothing: \(after - before)")
        let failed = (try? String(contentsOfFile: dir + "/state/trouble/failed.jsonl", encoding: .utf8)) ?? ""
        #expect(failed.isEmpty, "\(failed)")
        let again = try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "rotated"])
        #expect(again.code == 0, "\(again.stderr)")
        #expect((try await Self.dump(server)["users"]?.array.count ?? 0) == 120)
        await server.shutdown()
    }

    static func post(_ server: EmulatorServer, _ path: String) async throws {
        guard let url = URL(string: server.baseURL + path) else { return }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        _ = try await URLSession.shared.data(for: request)
    }

    @Test func nothingListeningStopsAtOnceNamingTheEndpoint() async throws {
        let server = try await Self.emulator()
        let dir = try Self.prepare(server)
        await server.shutdown()
        // Port 1 of the loopback: nothing listens there.
        let pipeline = try String(contentsOfFile: dir + "/p.yaml", encoding: .utf8)
        try pipeline.replacingOccurrences(of: server.baseURL, with: "http://127.0.0.1:1")
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let run = try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "right"])
        #expect(run.code == 2)
        #expect(
            run.stderr.contains("does not answer at http://127.0.0.1:1/nimserver: connection refused"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/state/trouble.sqlite"), "no item touched")
    }

    /// The target goes down in the middle of the relations stage: the run waits, goes on when it is
    /// back, fails nothing and adds nothing twice; the report shows the pause.
    @Test func anOutageIsAPauseNotAFailure() async throws {
        let server = try await Self.emulator()
        let dir = try Self.prepare(server)
        let (process, _, _) = try Processes.start(
            "nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "right", "NIM_MIGRATE_PROBE_MS": "500"])
        // Wait for the relations stage to be under way.
        while process.isRunning, (try await Self.dump(server)["calls"]?["friend/add.action"]?.int ?? 0) < 20 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Self.outage(server, seconds: Self.outageSeconds)
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(process.terminationStatus == 0)
        let report = try String(contentsOfFile: dir + "/state/trouble/report.md", encoding: .utf8)
        #expect(report.contains("## Pauses: the target did not answer") && report.contains("resumed"), "\(report)")
        let failed = (try? String(contentsOfFile: dir + "/state/trouble/failed.jsonl", encoding: .utf8)) ?? ""
        #expect(failed.isEmpty, "\(failed)")
        let dump = try await Self.dump(server)
        #expect(dump["teams"]?.array.count == 3, "exactly one team per group")
        let status = try await Processes.run("nim-migrate", ["status", "p.yaml"], in: dir)
        #expect(status.stdout.contains("target pauses") && status.stdout.contains("resumed"))
        await server.shutdown()
    }

    /// Down for longer than `target.outage_wait`: exit 3, nothing failed; the next run finishes.
    @Test func anOutageLongerThanTheWaitStopsResumably() async throws {
        let server = try await Self.emulator()
        let dir = try Self.prepare(server, outageWait: 2)
        let (process, _, err) = try Processes.start(
            "nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "right", "NIM_MIGRATE_PROBE_MS": "300"])
        while process.isRunning, (try await Self.dump(server)["calls"]?["friend/add.action"]?.int ?? 0) < 20 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Self.outage(server, seconds: 8, mode: "unavailable")
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(process.terminationStatus == 3, "\((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
        let failed = (try? String(contentsOfFile: dir + "/state/trouble/failed.jsonl", encoding: .utf8)) ?? ""
        #expect(failed.isEmpty, "\(failed)")
        let stopped = try String(contentsOfFile: dir + "/state/trouble/report.md", encoding: .utf8)
        #expect(stopped.contains("gave up") && stopped.contains("interrupted"), "\(stopped)")
        try await Self.outage(server, seconds: 0)
        let again = try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: ["T_SECRET": "right"])
        #expect(again.code == 0, "\(again.stderr)")
        #expect((try await Self.dump(server)["friends"]?.array.count ?? 0) > 0)
        await server.shutdown()
    }
}
