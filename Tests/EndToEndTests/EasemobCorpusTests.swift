import Foundation
import MigrationCore
import Testing

/// The JSON examples Easemob itself publishes (`Tests/Corpora/easemob/`, each with its source in
/// `SOURCES.md`), saved as an Easemob export, through `plan`, `run` and `verify` against the
/// emulator: every datum arrives in NIM or is named by file and line, and every entry of every
/// file is accounted for. The attachment hosts of the examples do not resolve here, so every
/// download fails — and is reported at the line that names it.
@Suite struct EasemobCorpusTests {
    static let corpus = Processes.packageRoot.path + "/Tests/Corpora/easemob/export"

    /// The problems of `problems.jsonl` as `file:line code`.
    static func problems(_ path: String) throws -> Set<String> {
        Set(
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
                let p = try JSONValue.parse(Data(line.utf8))
                return "\(p["file"]?.string ?? ""):\(p["line"]?.int ?? 0) \(p["code"]?.string ?? "")"
            })
    }

    @Test func everyPublishedExampleArrivesOrIsNamed() async throws {
        let dir = try Processes.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.corpus, toPath: dir + "/export")
        try FileManager.default.removeItem(atPath: dir + "/export/EXPECTED.md")
        try await withTarget(secret: "c", limit: 5000) { target in
            let pipeline = try target.pipeline(
                in: dir, name: "corpus", format: "easemob",
                stages: [.users, .relations, .groups, .files, .history, .sessions], rate: 2000)
            let state = pipeline.state

            let plan = try await pipeline.run("plan")
            #expect(plan.code == 1, "two listed groups were never saved: \(plan.stderr)")
            let planned = try Self.problems(state + "/problems.jsonl")
            for expected in [
                "chatgroups/page-0001.json:9 missing-group-folder", "chatgroups/page-0001.json:17 missing-group-folder",
                "chatgroups/page-0001.json:1 incomplete-export", "blocks/XXXX.json:1 incomplete-export",
                "chatgroups/18XXXX3/details.json:6 team-member-limit-capped",
                "chatgroups/XXXX/details.json:7 team-member-limit-capped",
                "chatgroups/18XXXX3/mutes.json:7 mute-expired", "chatmessages/2014061813:12 cmd-skipped",
                "chatmessages/2014061813:1 unknown-body-type", "chatmessages/2014061813:4 conflicting-message",
                "chatmessages/2014061813:9 easemob-body",  // the video's thumb: NIM makes its own
            ] {
                #expect(planned.contains(expected), "\(expected) in \(planned.sorted())")
            }
            #expect(!planned.contains { $0.hasPrefix("users/page-0001.json") }, "a cursor beside a later page is fine")

            let run = try await pipeline.run()
            #expect(run.code == 1, "\(run.stderr)")
            let dump = try await target.dump()

            // Users: every entity of both pages; the attribute nickname is the name (the page's push
            // name only a fallback), in either attribute form; ext → ex.
            let users = Dictionary(
                uniqueKeysWithValues: (dump["users"]?.array ?? []).compactMap { u in u["accid"]?.string.map { ($0, u) }
                })
            #expect(users.count == 14)
            #expect(users["user1"]?["name"]?.string == "nickname" && users["user1"]?["ex"]?.string == "ext")
            #expect(users["user2"]?["name"]?.string == "nickname", "the batch attribute form, not the push name")
            #expect(users["xxxx"]?["name"]?.string == "user1", "the push nickname when no attribute names the user")

            // Friends from both contact shapes (the plain list and the paged one with remarks); blocks.
            let friends = Set(
                (dump["friends"]?.array ?? []).map { "\($0["accid"]?.string ?? "")>\($0["faccid"]?.string ?? "")" })
            #expect(friends.isSuperset(of: ["user1>user2", "user1>user3", "xxxx>username", "username>xxxx"]))
            let blocks = Set(
                (dump["specialRelations"]?.array ?? []).map {
                    "\($0["accid"]?.string ?? "")>\($0["targetAcc"]?.string ?? "")"
                })
            #expect(blocks == ["user1>user2", "xxxx>tst04", "xxxx>tst05"])

            // Teams: members from members.json and from affiliations; managers; the size capped at
            // groups.member_limit (NIM would refuse 300 or 2000); an expired mute not carried over.
            let teams = dump["teams"]?.array ?? []
            let old = teams.first { $0["owner"]?.string == "yifan2" }
            #expect(old?["members"]?.array.compactMap(\.string).sorted() == ["user1", "user2"])
            #expect(old?["admins"]?.array.compactMap(\.string) == ["user1"])
            #expect(old?["intro"]?.string == "test" && old?["muted"]?.array.isEmpty == true)
            #expect(teams.allSatisfy { ($0["teamMemberLimit"]?.int ?? 0) <= 200 })
            #expect(teams.contains { $0["owner"]?.string == "xxxx" })

            // History: the oldest line form, combined records in both documented forms, bodies of
            // every type; attachments named without an extension get one.
            let p2p = try pipeline.text("history/p2p-0001.txt")
            let team = try pipeline.text("history/team-0001.txt")
            #expect(p2p.contains(#""from":"zw123","to":"1402541206787","body":"hhhhhh"}"#), "the oldest line form")
            #expect(
                team.contains(#""body":":yyuu\n:[图片]\n:[文件]\n","attach":"#) && team.contains(#"\"title\":\"聊天记录\""#)
                    && team.contains(#"\"combineLevel\":1"#) && team.contains(#""type":100"#),
                "a combined record without type: a custom message with everything, its summary as body")
            #expect(p2p.contains(#""body":"wzy1: 你在哪里？"#) && !p2p.contains("当前版本过低"), "never the compatibility text")
            #expect(p2p.contains(#"\"dur\":10000,\"ext\":\"amr\""#) && p2p.contains(#"\"ext\":\"mp4\""#))
            #expect(p2p.contains(#"\"title\":\"西城区西便门桥 \""#) && p2p.contains(#"\"customEvent\":\"gift_1\""#))

            // Reports: what the run found, by original file and line; avatars named where they are.
            let found = try Self.problems(state + "/problems.jsonl")
            #expect(found.contains("chatmessages/2014061813:7 old-url-kept"), "\(found.sorted())")
            #expect(found.isSuperset(of: planned.filter { !$0.hasSuffix("old-url-kept") }))
            // The dead avatar and team icon (Easemob's example hosts) do not hold the account or team
            // back (SPEC §5): created without them, the avatar named in its attribute file.
            #expect(
                found.contains { $0.hasPrefix("user-attributes/user1.json:") && $0.hasSuffix(" avatar-not-rehosted") },
                "\(found.sorted())")
            #expect(
                found.contains { $0.hasPrefix("chatgroups/XXXX/details.json:") && $0.hasSuffix(" icon-not-rehosted") })
            #expect(dump["users"]?.array.contains { $0["accid"]?.string == "user1" } == true)
            let report = try pipeline.text("report.md")
            #expect(
                report.contains("`chatgroups/page-0001.json:17` (error)") && report.contains("### old-url-kept (11)"))

            let verify = try await pipeline.run("verify")
            #expect(verify.code == 0, "\(verify.stdout)")
            #expect(verify.stdout.contains("Every entry of every source file was migrated or reported"))
            try await SourceAccountCheck.expectEverythingAccounted(dir: dir, name: "corpus", files: 16)
        }
    }
}
