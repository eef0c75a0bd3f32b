import Foundation
import Testing

@testable import MigrationCore

/// Easemob's own published responses (`Tests/Corpora/easemob/examples/`, sources in
/// `SOURCES.md`) placed where an export keeps them, converted: each documented shape is read,
/// never skipped without a word.
@Suite struct EasemobExampleConversionTests {
    static let examples =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Corpora/easemob/examples/"

    /// Converts an export made of `files` (export path → example name) and returns the converted
    /// folder and the problems as `file:line code`.
    static func convert(_ files: [String: String]) async throws -> (
        dir: String, problems: [String], account: [String: ElementAccount]
    ) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nimmig-ex-\(UUID().uuidString)").path
        for (path, example) in files {
            let target = root + "/export/" + path
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: examples + example, toPath: target)
        }
        let source = try await ConvertOnce(vendor: EasemobVendor(), root: root + "/export", output: root + "/out")
            .prepare()
        var problems: [String] = []
        if let log = source.problemLog {
            try await ProblemLog.forEach(log) { batch in problems += batch.map { "\($0.location) \($0.code)" } }
        }
        return (root + "/out", problems, source.account)
    }

    static func lines(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONValue.parse(Data($0.utf8))
        }
    }

    @Test func membersOfEveryDocumentedFormMergeWithTheAffiliations() async throws {
        let (dir, problems, account) = try await Self.convert([
            "chatgroups/g1/details.json": "chatgroup-details.json",
            "chatgroups/g1/members.json": "chatgroup-members-admin-joined-time-shengwang.json",
            "chatgroups/g2/details.json": "chatgroup-details-2023.json",
            "chatgroups/g2/members.json": "chatgroup-members-2023.json",
        ])
        let groups = try Self.lines(dir + "/groups.jsonl")
        let g1 = try #require(groups.first { $0["gid"]?.string == "XXXX" })
        #expect(g1["owner"]?.string == "XXXX")
        #expect(g1["members"]?.array.compactMap(\.string) == ["user1", "user", "user3"], "affiliations + members.json")
        #expect(g1["admins"]?.array.compactMap(\.string) == ["user"], "an admin entry is a member and a manager")
        #expect(g1["icon"]?.string == "https://www.XXXX.com", "the group avatar becomes the team icon")
        #expect(g1["teamMemberLimit"]?.int == 2000 && g1["joinmode"]?.int == 2)
        let g2 = try #require(groups.first { $0["gid"]?.string != "XXXX" })
        #expect(g2["members"]?.array.compactMap(\.string) == ["user1", "user2"])
        #expect(problems.isEmpty, "\(problems)")
        #expect(account["chatgroups/g1/members.json"] == ElementAccount(read: 3, merged: 3))
        #expect(account["chatgroups/g1/details.json"] == ElementAccount(read: 1, passed: 1))
    }

    @Test func bothUserAttributeFormsGiveTheProfileAndTheAvatarKeepsItsOrigin() async throws {
        let (dir, problems, account) = try await Self.convert([
            "users/page-0001.json": "users-list-page-last.json",
            "user-attributes/XXXX.json": "user-attributes-one.json",
            "user-attributes/batch.json": "user-attributes-batch.json",
        ])
        let users = try Self.lines(dir + "/users.jsonl")
        #expect(users.count == 1)
        #expect(users.first?["name"]?.string == "nickname", "the attribute nickname, not the push name")
        #expect(
            users.first?["icon"]?.string == "https://www.easemob.com/avatar.png" && users.first?["ex"]?.string == "ext")
        let origins = try JSONDecoder().decode(
            SourceOrigins.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/origins.json")))
        #expect(
            origins.locate(SourceOrigins.iconFile("users.jsonl"), 1) == ("user-attributes/XXXX.json", 6),
            "the avatarurl line")
        #expect(origins.locate("users.jsonl", 1).file == "users/page-0001.json")
        // The batch names user1..3, none of them on the page: each entry reported, by its line.
        #expect(problems.filter { $0.hasSuffix("unknown-user") }.count == 3, "\(problems)")
        #expect(problems.contains("users/page-0001.json:1 incomplete-export"), "the last page still has a cursor")
        #expect(account["user-attributes/XXXX.json"] == ElementAccount(read: 1, merged: 1))
        #expect(account["user-attributes/batch.json"]?.unaccounted == 0)
    }

    @Test func combinedRecordsOfBothDocumentedFormsKeepEverything() throws {
        let body = try JSONValue.parse(
            Data(contentsOf: URL(fileURLWithPath: Self.examples + "chatmessages-body-combine.json")))
        guard case .object(var element)? = body["bodies"]?.array.first else {
            Issue.record("no body")
            return
        }
        for variant in [nil, "txt", "combine"] {
            element["type"] = variant.map(JSONValue.string)
            if variant == "txt" { element["msg"] = .string("当前版本过低，无法展示对应内容。") }
            let line: JSONValue = .object([
                "msg_id": .string("m1"), "timestamp": .int(1_700_000_000_000), "chat_type": .string("groupchat"),
                "payload": .object([
                    "from": .string("u1"), "to": .string("g1"), "bodies": .array([.object(element)]),
                ]),
            ])
            guard case .line(let text, _) = EasemobMessage().convert(line) else {
                Issue.record("type \(variant ?? "none") not converted")
                continue
            }
            let converted = try JSONValue.parse(Data(text.utf8))
            #expect(converted["type"]?.int == 100)
            #expect(converted["data"]?["body"]?.string == ":yyuu\n:[图片]\n:[文件]\n")
            let attach = converted["data"]?["attach"]
            #expect(attach?["title"]?.string == "聊天记录" && attach?["combineLevel"]?.int == 1)
            #expect(attach?["url"]?.string?.hasSuffix("6bf39390-8aba-11ef-a8ae-6f545c50ca23") == true)
            #expect(attach?["filename"]?.string == "17289718748990036" && attach?["size"]?.int == 550)
            #expect(converted["fetch"]?["headers"]?["share-secret"]?.string?.hasPrefix("a_OTmo") == true)
        }
    }

    @Test func theOldestLineFormAndNamesWithoutExtensionsAreRead() throws {
        let lines = try String(contentsOfFile: Self.examples + "chatmessages-lines.jsonl", encoding: .utf8)
            .split(separator: "\n")
        let oldest = try #require(
            lines.first { $0.contains(#""type":"chatmessage""#) && $0.contains(#""chat_type":"chat","payload""#) })
        guard case .line(let text, _) = EasemobMessage().convert(Data(oldest.utf8)) else {
            Issue.record("the oldest form is rejected")
            return
        }
        #expect(text.contains(#""from":"zw123""#) && text.contains(#""to":"1402541206787""#))
        let image = EasemobMessage.media(["filename": .string("image")], url: "https://h/chatfiles/abc", kind: "img")
        #expect(image["ext"] == .string("jpg"))
        let named = EasemobMessage.media(["filename": .string("a.PNG")], url: "https://h/x", kind: "img")
        #expect(named["ext"] == .string("png"))
        #expect(EasemobMessage.media(["filename": .string("notes")], url: "https://h/x", kind: "file")["ext"] == nil)
    }
}
