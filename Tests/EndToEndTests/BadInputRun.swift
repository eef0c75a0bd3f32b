import Foundation
import MigrationCore
import NIMEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One run of a bad-input campaign over `dir/export`: an emulator, a pipeline `bad` with every
/// stage, `plan` then `run` (each must end with exit 1, never a crash), and what they reported.
struct BadInputRun {
    let server: EmulatorServer
    /// "code message" per `file:line`, from the plan's problems and `failed.jsonl`.
    let reported: [String: [String]]
    /// What the two commands created in `dir` (it must be `state` alone).
    let created: Set<String>

    static func perform(dir: String, format: String) async throws -> BadInputRun {
        var config = EmulatorConfiguration(appSecret: "b")
        config.port = 0
        config.limit = 5000
        let server = try await EmulatorServer.start(config)
        try """
        name: bad
        source: {format: \(format), path: export}
        target: {endpoint: "\(server.baseURL)/nimserver", appkey: k, app_secret_env: B_SECRET}
        throttle: {rate: 2000}
        stages: [users, relations, groups, files, history, sessions]

        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        for command in ["plan", "run"] {
            let result = try await Processes.run(
                "nim-migrate", [command, "p.yaml"], in: dir, environment: ["B_SECRET": "b"])
            #expect(result.code == 1, "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal"), "\(command) crashed: \(result.stderr)")
        }
        try await SourceAccountCheck.expectEverythingAccounted(dir: dir, name: "bad")
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: dir)).filter { !$0.hasPrefix(".") }
        return BadInputRun(
            server: server, reported: try reported(state: dir + "/state/bad"), created: after.subtracting(before))
    }

    /// The emulator's state.
    func dump() async throws -> JSONValue {
        guard let url = URL(string: server.baseURL + "/_emulator/dump") else { throw URLError(.badURL) }
        return try JSONValue.parse(try await URLSession.shared.data(from: url).0)
    }

    private static func reported(state: String) throws -> [String: [String]] {
        var reported: [String: [String]] = [:]
        let plan = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: state + "/plan.json")))
        for p in plan["problems"]?.array ?? [] {
            reported["\(p["file"]?.string ?? ""):\(p["line"]?.int ?? 0)", default: []]
                .append((p["code"]?.string ?? "") + " " + (p["message"]?.string ?? ""))
        }
        for line in try String(contentsOfFile: state + "/failed.jsonl", encoding: .utf8).split(separator: "\n") {
            let f = try JSONValue.parse(Data(line.utf8))
            reported["\(f["file"]?.string ?? ""):\(f["line"]?.int ?? 0)", default: []]
                .append((f["code"]?.string ?? "") + " " + (f["desc"]?.string ?? ""))
        }
        return reported
    }
}
