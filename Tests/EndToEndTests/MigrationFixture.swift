import Foundation
import MigrationCore
import NIMEmulator

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small, hand-written export with planted trouble, a pipeline pointing at an in-process
/// emulator, and helpers to run the real `nim-migrate` against it.
struct MigrationFixture {
    static let secret = "e2e-secret"
    let dir: String
    let server: EmulatorServer

    /// 460 users (mixed case), a colliding pair, an invalid accid; friends incl. both directions,
    /// aliases and lines naming missing or colliding users; a 450-member group with 12 managers.
    static func make(stages: String = "[users, relations, groups]") async throws -> MigrationFixture {
        let dir = try Processes.temporaryDirectory()
        let export = dir + "/export"
        try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
        var users = (0..<460).map { "{\"accid\":\"UsEr\($0)\",\"name\":\"用户\($0)\",\"gender\":\($0 % 3)}" }
        users += [
            "{\"accid\":\"Dave\"}", "{\"accid\":\"dave\"}", "{\"accid\":\"bad user!\"}",
            "{\"accid\":\"BOB\",\"sign\":\"hi\"}",
        ]
        try write(users, to: export + "/users.jsonl")
        try write(
            [
                "{\"accid\":\"UsEr1\",\"faccid\":\"UsEr2\",\"alias\":\"two\"}",
                "{\"accid\":\"user2\",\"faccid\":\"UsEr1\",\"alias\":\"one\"}",
                "{\"accid\":\"UsEr3\",\"faccid\":\"UsEr4\"}",
                "{\"accid\":\"UsEr5\",\"faccid\":\"ghost\"}",
                "{\"accid\":\"Dave\",\"faccid\":\"UsEr6\"}",
                "{\"accid\":\"BOB\",\"faccid\":\"UsEr7\",\"ex\":\"{\\\"k\\\":1}\"}",
            ], to: export + "/friends.jsonl")
        try write(
            [
                "{\"accid\":\"UsEr8\",\"targetAcc\":\"UsEr9\",\"relationType\":1}",
                "{\"accid\":\"UsEr8\",\"targetAcc\":\"BOB\",\"relationType\":2}",
            ],
            to: export + "/blocklist.jsonl")
        let members = (1...449).map { "\"UsEr\($0)\"" }.joined(separator: ",")
        let admins = (1...12).map { "\"UsEr\($0)\"" }.joined(separator: ",")
        try write(
            [
                "{\"gid\":\"9001\",\"tname\":\"大群\",\"owner\":\"UsEr0\",\"members\":[\(members),\"ghost\"],\"admins\":[\(admins)],\"muted\":[\"UsEr20\"],\"teamMemberLimit\":500,\"custom\":\"{\\\"dept\\\":\\\"x\\\"}\"}",
                "{\"gid\":9002,\"tname\":\"small\",\"owner\":\"BOB\",\"members\":[\"UsEr450\",\"Dave\"],\"muteAll\":true}",
            ], to: export + "/groups.jsonl")
        var config = EmulatorConfiguration(appSecret: secret)
        config.port = 0
        // Our throttle keeps 100/s; the emulator's limit leaves room for the arrival jitter of a
        // machine busy with parallel tests (fidelity itself is measured by `make bench`).
        config.limit = 150
        let server = try await EmulatorServer.start(config)
        let pipeline = """
            name: e2e
            source: {format: canonical, path: export}
            target: {endpoint: "\(server.baseURL)/nimserver", appkey: e2ekey, app_secret_env: E2E_SECRET}
            throttle: {rate: 100}
            concurrency: 8
            stages: \(stages)
            groups: {member_limit: 500}

            """
        try pipeline.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        return MigrationFixture(dir: dir, server: server)
    }

    static func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs `nim-migrate ARGS p.yaml` to its end.
    func cli(_ command: String, environment: [String: String] = [:]) async throws -> (
        code: Int32, stdout: String, stderr: String
    ) {
        var env = ["E2E_SECRET": Self.secret]
        for (k, v) in environment { env[k] = v }
        return try await Processes.run("nim-migrate", [command, "p.yaml"], in: dir, environment: env)
    }

    /// The emulator's state.
    func dump() async throws -> JSONValue {
        guard let url = URL(string: server.baseURL + "/_emulator/dump") else { throw URLError(.badURL) }
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONValue.parse(data)
    }

    /// A client signed like the tool's, for changing the target behind the tool's back.
    func client() -> NIMClient {
        NIMClient(
            .init(endpoint: server.baseURL + "/nimserver", appKey: "e2ekey", secret: Secret(Self.secret)),
            calls: CallRecorder())
    }

    func readJSON(_ name: String) throws -> JSONValue {
        try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: dir + "/state/e2e/" + name)))
    }
}
