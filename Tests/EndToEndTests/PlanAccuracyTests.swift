import ExportGenerator
import Foundation
import MigrationCore
import NIMEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Issue 6: on a generated export the plan predicts every call the run then makes, per endpoint.
/// (Its time estimate against the run's wall time is a `make bench` row: tests assert no wall time.)
@Suite struct PlanAccuracyTests {
    static func calls(_ value: JSONValue?) -> [String: Int] {
        guard case .object(let object)? = value else { return [:] }
        return object.compactMapValues { $0.int.map(Int.init) }
    }

    @Test func thePlanPredictsTheRunsCallsExactly() async throws {
        let dir = try Processes.temporaryDirectory()
        _ = try ExportWriter(spec: ExportSpec(users: 80, groups: 4, messages: 800, seed: 21, bigGroupMembers: 50))
            .write(to: dir + "/export")
        // A second reference to the same bytes: one upload, which the plan must know.
        let export = dir + "/export"
        try FileManager.default.copyItem(atPath: export + "/files/attachment-1.png", toPath: export + "/files/copy.png")
        try "{\"accid\":\"copycat\",\"icon\":\"files/copy.png\"}\n".appendLine(to: export + "/users.jsonl")
        var config = EmulatorConfiguration(appSecret: "p")
        config.port = 0
        config.limit = 150
        let server = try await EmulatorServer.start(config)
        try """
        name: acc
        source: {format: canonical, path: export}
        target: {endpoint: "\(server.baseURL)/nimserver", appkey: k, app_secret_env: P_SECRET}
        throttle: {rate: 100}
        stages: [users, relations, groups, files, history, sessions]

        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let plan = try await Processes.run("nim-migrate", ["plan", "p.yaml"], in: dir, environment: ["P_SECRET": "p"])
        #expect(plan.code == 0, "\(plan.stderr)")
        let planJSON = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: dir + "/state/acc/plan.json")))
        var planned: [String: Int] = [:]
        for stage in planJSON["stages"]?.array ?? [] {
            for (endpoint, count) in Self.calls(stage["calls"]) { planned[endpoint, default: 0] += count }
        }
        let history = planJSON["stages"]?.array.first { $0["stage"]?.string == "history" }
        let lines = Self.calls(history?["outputs"]).values.reduce(0, +)
        #expect(lines == 800, "the plan counts the history lines per output file")

        // The plan warns that attachments are not re-hosted yet; the run re-hosts every one, so
        // neither its problems.jsonl nor its report may still say so (SPEC §6).
        let planProblems = try String(contentsOfFile: dir + "/state/acc/problems.jsonl", encoding: .utf8)
        #expect(planProblems.contains("\"code\":\"old-url-kept\""), "the dry run lists the messages not yet re-hosted")
        let run = try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: ["P_SECRET": "p"])
        #expect(run.code == 0, "\(run.stderr)")
        let found = try String(contentsOfFile: dir + "/state/acc/problems.jsonl", encoding: .utf8)
        #expect(!found.contains("old-url-kept") && !found.contains("not re-hosted"), "\(found.prefix(500))")
        let report = try String(contentsOfFile: dir + "/state/acc/report.md", encoding: .utf8)
        #expect(!report.contains("old-url-kept") && !report.contains("not re-hosted"))
        try await SourceAccountCheck.expectEverythingAccounted(dir: dir, name: "acc", files: 4)
        guard let url = URL(string: server.baseURL + "/_emulator/dump") else { return }
        let dump = try JSONValue.parse(try await URLSession.shared.data(from: url).0)
        var made = Self.calls(dump["calls"])
        #expect(made.removeValue(forKey: "user/getUinfos.action") == 1, "the preflight check, once per run")
        #expect(made == planned, "every endpoint: planned == made")
        #expect(dump["throttled"]?.int == 0)

        await server.shutdown()
    }
}

extension String {
    func appendLine(to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
