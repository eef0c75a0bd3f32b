import Foundation
import MigrationCore
import Testing

/// Issue 18 / SPEC §5: an avatar or team icon is re-hosted before its account or team is created,
/// so the create sets it — no `user/updateUinfo.action` or `team/update.action` afterwards; a dead
/// one does not hold the account back; a kill between the upload and the create costs no second
/// upload and no second account.
@Suite struct AvatarAtCreationTests {
    /// Five users: two avatars with the same bytes, one missing file, one without avatar, one more
    /// avatar; a team with an icon; `body` runs the pipeline against the target.
    static func with(_ body: (TestPipeline, TestTarget) async throws -> Void) async throws {
        let (dir, export) = try TestFiles.workspace("files")
        for (name, bytes) in [("a.png", "AAAA"), ("b.png", "AAAA"), ("e.png", "EEEE"), ("t.png", "TTTT")] {
            try Data(bytes.utf8).write(to: URL(fileURLWithPath: export + "/files/" + name))
        }
        try TestFiles.write(
            [
                #"{"accid":"amy","icon":"files/a.png"}"#, #"{"accid":"bob","icon":"files/b.png"}"#,
                #"{"accid":"cat","icon":"files/missing.png"}"#, #"{"accid":"dan"}"#,
                #"{"accid":"eve","icon":"files/e.png"}"#,
            ], to: export + "/users.jsonl")
        try TestFiles.write(
            [#"{"gid":"1","tname":"t","owner":"amy","members":["bob","cat"],"icon":"files/t.png"}"#],
            to: export + "/groups.jsonl")
        try await withTarget(secret: MigrationFixture.secret, limit: 150) { target in
            let pipeline = try target.pipeline(
                in: dir, name: "e2e", stages: [.users, .groups], rate: 100, concurrency: 1)
            try await body(pipeline, target)
        }
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
        try await Self.with { pipeline, target in
            #expect(try await pipeline.run().code == 0, "a dead avatar is a warning, not a failure")
            Self.expectMigrated(try await target.dump())
            let problems = try pipeline.text("problems.jsonl")
            #expect(problems.contains(#""code":"avatar-not-rehosted""#) && problems.contains("files/missing.png"))
            #expect(problems.contains(#""file":"users.jsonl","line":3"#), "named at the account's line: \(problems)")
        }
    }

    /// One call in flight at a time, so that the kill finds exactly one upload done and none
    /// under way (an upload NIM answered but the tool never heard of is repeated: NIM's upload has
    /// no key to find it by).
    @Test func killedBetweenTheAvatarUploadAndTheCreateTheResumeUploadsNothingTwice() async throws {
        try await Self.with { pipeline, target in
            let crashed = try await pipeline.run(environment: ["NIM_MIGRATE_FAILPOINT": "hosting.after-icon-upload"])
            #expect(crashed.code != 0, "killed by SIGKILL")
            let before = try await target.dump()
            #expect(before["calls"]?["msg/fileUpload.action"]?.int ?? 0 >= 1, "an avatar was uploaded before the kill")
            #expect(try await pipeline.run().code == 0)
            Self.expectMigrated(try await target.dump(), resumed: true)
        }
    }
}
