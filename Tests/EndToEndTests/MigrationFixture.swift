import Foundation
import MigrationCore

/// A small, hand-written export with planted trouble, a pipeline pointing at an in-process
/// emulator, and helpers to run the real `nim-migrate` against it.
struct MigrationFixture {
    static let secret = "e2e-secret"
    let target: TestTarget
    let pipeline: TestPipeline
    var dir: String { pipeline.dir }

    /// 460 users (mixed case), a colliding pair, an invalid accid; friends incl. both directions,
    /// aliases and lines naming missing or colliding users; a 450-member group with 12 managers.
    /// Without `memberLimit` the pipeline leaves `groups.member_limit` at NIM's default cap.
    static func with(memberLimit: Bool = true, _ body: (MigrationFixture) async throws -> Void) async throws {
        let (dir, export) = try TestFiles.workspace()
        var users = (0..<460).map { "{\"accid\":\"UsEr\($0)\",\"name\":\"用户\($0)\",\"gender\":\($0 % 3)}" }
        users += [
            "{\"accid\":\"Dave\"}", "{\"accid\":\"dave\"}", "{\"accid\":\"bad user!\"}",
            "{\"accid\":\"BOB\",\"sign\":\"hi\"}",
        ]
        try TestFiles.write(users, to: export + "/users.jsonl")
        try TestFiles.write(
            [
                "{\"accid\":\"UsEr1\",\"faccid\":\"UsEr2\",\"alias\":\"two\"}",
                "{\"accid\":\"user2\",\"faccid\":\"UsEr1\",\"alias\":\"one\"}",
                "{\"accid\":\"UsEr3\",\"faccid\":\"UsEr4\"}",
                "{\"accid\":\"UsEr5\",\"faccid\":\"ghost\"}",
                "{\"accid\":\"Dave\",\"faccid\":\"UsEr6\"}",
                "{\"accid\":\"BOB\",\"faccid\":\"UsEr7\",\"ex\":\"{\\\"k\\\":1}\"}",
            ], to: export + "/friends.jsonl")
        try TestFiles.write(
            [
                "{\"accid\":\"UsEr8\",\"targetAcc\":\"UsEr9\",\"relationType\":1}",
                "{\"accid\":\"UsEr8\",\"targetAcc\":\"BOB\",\"relationType\":2}",
            ],
            to: export + "/blocklist.jsonl")
        let members = (1...449).map { "\"UsEr\($0)\"" }.joined(separator: ",")
        let admins = (1...12).map { "\"UsEr\($0)\"" }.joined(separator: ",")
        try TestFiles.write(
            [
                "{\"gid\":\"9001\",\"tname\":\"大群\",\"owner\":\"UsEr0\",\"members\":[\(members),\"ghost\"],\"admins\":[\(admins)],\"muted\":[\"UsEr20\"],\"teamMemberLimit\":500,\"custom\":\"{\\\"dept\\\":\\\"x\\\"}\"}",
                "{\"gid\":9002,\"tname\":\"small\",\"owner\":\"BOB\",\"members\":[\"UsEr450\",\"Dave\"],\"muteAll\":true}",
            ], to: export + "/groups.jsonl")
        // Our throttle keeps 100/s; the emulator's limit leaves room for the arrival jitter of a
        // machine busy with parallel tests (fidelity itself is measured by `make bench`).
        try await withTarget(secret: secret, limit: 150) { target in
            let pipeline = try target.pipeline(
                in: dir, name: "e2e", stages: [.users, .relations, .groups], rate: 100, concurrency: 8,
                extra: memberLimit ? ["groups: {member_limit: 500}"] : [])
            try await body(MigrationFixture(target: target, pipeline: pipeline))
        }
    }

    /// Runs `nim-migrate ARGS p.yaml` to its end.
    func cli(_ command: String, environment: [String: String] = [:]) async throws -> (
        code: Int32, stdout: String, stderr: String
    ) {
        try await pipeline.run(command, environment: environment)
    }

    /// The emulator's state.
    func dump() async throws -> JSONValue { try await target.dump() }

    /// A client signed like the tool's, for changing the target behind the tool's back.
    func client() -> NIMClient { target.client() }

    func readJSON(_ name: String) throws -> JSONValue { try pipeline.json(name) }
}
