import Foundation
import MigrationCore
import NIMEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Issue 18 / SPEC §5: an avatar or team icon is re-hosted before its account or team is created,
/// so the create sets it — no `user/updateUinfo.action` or `team/update.action` afterwards; a dead
/// one does not hold the account back; a kill between the upload and the create costs no second
/// upload and no second account.
@Suite struct AvatarAtCreationTests {
    /// Five users: two avatars with the same bytes, one missing file, one without avatar, one more
    /// avatar; a team with an icon.
    static func make() async throws -> (dir: String, server: EmulatorServer) {
        let dir = try Processes.temporaryDirectory()
        let export = dir + "/export"
        try FileManager.default.createDirectory(atPath: export + "/files", withIntermediateDirectories: true)
        for (name, bytes) in [("a.png", "AAAA"), ("b.png", "AAAA"), ("e.png", "EEEE"), ("t.png", "TTTT")] {
            try Data(bytes.utf8).write(to: URL(fileURLWithPath: export + "/files/" + name))
        }
        try MigrationFixture.write(
            [
                #"{"accid":"amy","icon":"files/a.png"}"#, #"{"accid":"bob","icon":"files/b.png"}"#,
                #"{"accid":"cat","icon":"files/missing.png"}"#, #"{"accid":"dan"}"#,
                #"{"accid":"eve","icon":"files/e.png"}"#,
            ], to: export + "/users.jsonl")
        try MigrationFixture.write(
            [#"{"gid":"1","tname":"t","owner":"amy","members":["bob","cat"],"icon":"files/t.png"}"#],
            to: export + "/groups.jsonl")
        var config = EmulatorConfiguration(appSecret: MigrationFixture.secret)
        config.port = 0
        config.limit = 150
        let server = try await EmulatorServer.start(config)
        try """
        name: e2e
        source: {format: canonical, path: export}
        target: {endpoint: "\(server.baseURL)/nimserver", appkey: e2ekey, app_secret_env: E2E_SECRET}
        throttle: {rate: 100}
        concurrency: 1
        stages: [users, groups]

        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        return (dir, server)
    }

    static func run(_ dir: String, _ environment: [String: String] = [:]) async throws -> Int32 {
        var env = ["E2E_SECRET": MigrationFixture.secret]
        for (k, v) in environment { env[k] = v }
        return try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: env).code
    }

    /// Every account and the team with its icon, one upload per distinct content, no update call.
    static func expectMigrated(_ dump: JSONValue, resumed: Bool = false) {
        let users = Dictionary(
            (dump["users"]?.array ?? []).compactMap { user in user["accid"]?.string.map { ($0, user) } },
            uniquingKeysWith: { a, _ in a })
        #expect(users.keys.sorted() == ["amy", "bob", "cat", "dan", "eve"], "one account each, no second one")
        let amy = users["amy"]?["icon"]?.string
        #expect(amy?.hasPrefix("http") == true, "the avatar was set by the create")
        #expect(users["bob"]?["icon"]?.string == amy, "the same bytes: one upload, one URL")
        #expect(users["eve"]?["icon"]?.string?.hasPrefix("http") == true && users["eve"]?["icon"]?.string != amy)
        #expect(users["cat"]?["icon"]?.string == nil, "a dead avatar: the account without it")
        #expect(users["dan"]?["icon"]?.string == nil)
        #expect(dump["teams"]?.array.first?["icon"]?.string?.hasPrefix("http") == true, "the icon set by the create")
        let calls = dump["calls"]
        #expect(calls?["msg/fileUpload.action"]?.int == 3, "a.png and b.png once, e.png, t.png")
        #expect(calls?["team/create.action"]?.int == 1)
        #expect(calls?["team/update.action"] == nil)
        // A resumed run repeats the creates that were in flight (NIM answers "already register").
        guard !resumed else { return }
        #expect(calls?["user/create.action"]?.int == 5)
        #expect(calls?["user/updateUinfo.action"] == nil, "no update call")
    }

    @Test func avatarsAndIconsAreSetByTheCreateAndADeadOneIsReported() async throws {
        let (dir, server) = try await Self.make()
        #expect(try await Self.run(dir) == 0, "a dead avatar is a warning, not a failure")
        Self.expectMigrated(try await Self.dump(server))
        let problems = try String(contentsOfFile: dir + "/state/e2e/problems.jsonl", encoding: .utf8)
        #expect(problems.contains(#""code":"avatar-not-rehosted""#) && problems.contains("files/missing.png"))
        #expect(problems.contains(#""file":"users.jsonl","line":3"#), "named at the account's line: \(problems)")
        await server.shutdown()
    }

    /// One call in flight at a time, so that the kill finds exactly one upload done and none
    /// under way (an upload NIM answered but the tool never heard of is repeated: NIM's upload has
    /// no key to find it by).
    @Test func killedBetweenTheAvatarUploadAndTheCreateTheResumeUploadsNothingTwice() async throws {
        let (dir, server) = try await Self.make()
        let crashed = try await Self.run(dir, ["NIM_MIGRATE_FAILPOINT": "users.after-avatar-upload"])
        #expect(crashed != 0, "killed by SIGKILL")
        let before = try await Self.dump(server)
        #expect(before["calls"]?["msg/fileUpload.action"]?.int ?? 0 >= 1, "an avatar was uploaded before the kill")
        #expect(try await Self.run(dir) == 0)
        Self.expectMigrated(try await Self.dump(server), resumed: true)
        await server.shutdown()
    }

    static func dump(_ server: EmulatorServer) async throws -> JSONValue {
        guard let url = URL(string: server.baseURL + "/_emulator/dump") else { throw URLError(.badURL) }
        return try JSONValue.parse(try await URLSession.shared.data(from: url).0)
    }
}
