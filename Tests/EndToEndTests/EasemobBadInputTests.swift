import Foundation
import MigrationCore
import Testing

/// The bad-input campaign for Easemob exports: broken responses, broken history lines, damaged
/// and bomb-like gzip files, each reported with the original file, line and kind; no crash, the
/// valid rest migrated, nothing written outside `state/`.
@Suite struct EasemobBadInputTests {
    static func message(_ id: Int, _ rest: String) -> String {
        #"{"msg_id":"\#(id)","timestamp":\#(1_500_000_000_000 + id),\#(rest)}"#
    }

    static func chat(_ id: Int, _ from: String, _ to: String, _ body: String, type: String = "chat") -> String {
        message(id, #""chat_type":"\#(type)","payload":{"bodies":[\#(body)],"from":"\#(from)","to":"\#(to)"}"#)
    }

    /// (file, content); the expected reports: (file, line, code).
    static let files: [(String, String)] = [
        ("users/p1.json", #"{"entities":[{"username":"ok1"},{"username":"ok2"},{"nickname":"no name"}]}"#),
        ("users/p2.json", "this is not json"),
        ("users/p3.json", "{\"entities\":[\n{\"username\":\"ok3\"},\n{\"username\":\"cut"),
        ("users/p4.json", #"{"entities":5}"#),
        ("users/p5.json", #"{"entities":[{"username":"Twin"},{"username":"twin"},{"username":"bad name!"}]}"#),
        ("users/p6.json", "\u{FEFF}{\"entities\":[{\"username\":\"bom\"}]}"),
        ("user-attributes/a.json", #"{"data":["not","a","map"]}"#),
        ("user-attributes/b.json", "{\"data\":{\n\"ghost\":{\"nickname\":\"nobody\"}}}"),
        ("contacts/ok1.json", #"{"data":["ok2",1.5,"ghost"]}"#),
        ("blocks/ok1.json", "{\"data\":[\"ok2\""),
        ("chatgroups/g1/members.json", #"{"data":[{"owner":"ok1"}]}"#),
        ("chatgroups/g2/details.json", #"{"data":[]}"#),
        ("chatgroups/g3/details.json", #"{"data":[{"id":"g3","name":"prefixed","owner":"org#app_ok1"}]}"#),
        ("chatgroups/g3/members.json", #"{"data":[{"member":"org#app_ok2"},{"member":"ghost"}]}"#),
        ("chatgroups/g4/details.json", #"{"data":[{"id":"g4","name":"ownerless"}]}"#),
    ]

    static let hour = [
        chat(1, "ok1", "ok2", #"{"msg":"fine","type":"txt"}"#),
        chat(2, "ok1", "ok2", #"{"action":"x","type":"cmd"}"#),
        chat(3, "ok1", "room", #"{"msg":"x","type":"txt"}"#, type: "chatroom"),
        chat(4, "ok1", "ok2", #"{"type":"hologram"}"#),
        message(5, #""chat_type":"chat""#),
        "{\"msg_id\":",
        chat(7, "ok1", "ok2", #"{"msg":"x","type":"txt"}"#, type: "broadcast"),
        chat(8, "ok1", "ghost", #"{"msg":"x","type":"txt"}"#),
        chat(9, "ok1", "ok2", #"{"type":"img","filename":"no-url.png"}"#),
        message(10, #""chat_type":"chat","payload":{"bodies":[],"from":"ok1","to":"ok2"}"#),
        chat(11, "ok1", "ok2", "{\"msg\":\"\(String(repeating: "长", count: 400_000))\",\"type\":\"txt\"}"),
        chat(12, "ok1", "ok2", #"{"type":"file","url":"../../../../etc/passwd","filename":"passwd"}"#),
        chat(13, "Twin", "ok2", #"{"msg":"colliding sender","type":"txt"}"#),
        message(14, #""chat_type":"chat","payload":{"bodies":[{"msg":"no receiver","type":"txt"}],"from":"ok1"}"#),
        chat(15, "ok2", "ok1", #"{"msg":"also fine","type":"txt"}"#),
    ]

    static let expected: [(String, Int, String)] = [
        ("users/p1.json", 1, "missing-field"),
        ("users/p2.json", 1, "invalid-json"),
        ("users/p3.json", 3, "truncated-file"),
        ("users/p4.json", 1, "invalid-json"),
        ("users/p5.json", 1, "colliding-accid"),
        ("users/p5.json", 1, "invalid-accid"),
        ("user-attributes/a.json", 1, "invalid-json"),
        ("user-attributes/b.json", 2, "unknown-user"),
        ("contacts/ok1.json", 1, "invalid-field"),
        ("contacts/ok1.json", 1, "unknown-user"),
        ("blocks/ok1.json", 1, "truncated-file"),
        ("chatgroups/g1", 0, "missing-file"),
        ("chatgroups/g2/details.json", 1, "missing-field"),
        ("chatgroups/g3/details.json", 1, "appkey-prefix"),
        ("chatgroups/g3/details.json", 1, "group-members"),
        ("chatgroups/g4/details.json", 1, "missing-field"),
        ("chatmessages/2017071400.gz", 2, "cmd-skipped"),
        ("chatmessages/2017071400.gz", 3, "chatroom-skipped"),
        ("chatmessages/2017071400.gz", 4, "unknown-body-type"),
        ("chatmessages/2017071400.gz", 5, "missing-field"),
        ("chatmessages/2017071400.gz", 6, "invalid-json"),
        ("chatmessages/2017071400.gz", 7, "invalid-type"),
        ("chatmessages/2017071400.gz", 8, "unknown-user"),
        ("chatmessages/2017071400.gz", 9, "invalid-attach"),
        ("chatmessages/2017071400.gz", 10, "missing-field"),
        ("chatmessages/2017071400.gz", 11, "line-too-long"),
        ("chatmessages/2017071400.gz", 12, "leaves the export folder"),
        ("chatmessages/2017071400.gz", 13, "colliding-user"),
        ("chatmessages/2017071400.gz", 14, "missing-field"),
        ("chatmessages/2017071401.gz", 1, "bomb"),
        ("chatmessages/2017071402.gz", 0, "damaged-file"),
        ("chatmessages/2017071403.gz", 1, "damaged-file"),
    ]

    @Test func everyBrokenEasemobInputIsNamedAndTheRestIsMigrated() async throws {
        let dir = try Processes.temporaryDirectory()
        let export = dir + "/export"
        for (name, content) in Self.files {
            let path = export + "/" + name
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: export + "/chatmessages", withIntermediateDirectories: true)
        try Self.hour.joined(separator: "\n").write(
            toFile: export + "/chatmessages/2017071400", atomically: true, encoding: .utf8)
        let good = (0..<3000).map { Self.chat(100 + $0, "ok1", "ok2", #"{"msg":"m\#($0)","type":"txt"}"#) }
        try good.joined(separator: "\n").write(
            toFile: export + "/chatmessages/2017071402", atomically: true, encoding: .utf8)
        try await TestFiles.shell(
            "gzip -n 2017071400 && head -c 80000000 /dev/zero | gzip -n -1 > 2017071401.gz && "
                + "gzip -n 2017071402 && head -c 9000 2017071402.gz > cut && mv cut 2017071402.gz && "
                + "printf '\\037\\213\\010\\000\\000\\000\\000\\000\\000\\003garbage-after-the-header' > 2017071403.gz",
            in: export + "/chatmessages")

        let outcome = try await BadInputRun.perform(dir: dir, format: "easemob")
        let reported = outcome.reported
        for (file, line, code) in Self.expected {
            let found =
                line == 0
                ? reported.filter { $0.key.hasPrefix(file + ":") }.values.flatMap { $0 }
                : reported["\(file):\(line)"] ?? []
            #expect(found.contains { $0.contains(code) }, "\(file):\(line) should be reported as \(code), got \(found)")
        }
        #expect(outcome.created == ["state"], "nothing written outside state/")

        let p2p = try String(contentsOfFile: dir + "/state/bad/history/p2p-0001.txt", encoding: .utf8)
        #expect(p2p.contains("\"body\":\"fine\"") && p2p.contains("\"body\":\"also fine\""))
        #expect(p2p.contains("\"body\":\"m0\""), "lines before the damage of a truncated hour file are kept")
        let dump = outcome.dump
        #expect(
            Set((dump["users"]?.array ?? []).compactMap { $0["accid"]?.string }) == ["ok1", "ok2", "ok3", "bom"],
            "a response saved with a byte-order mark is read")
        #expect(dump["files"]?.array.isEmpty == true, "no file from outside the export was uploaded")
        let teams = dump["teams"]?.array ?? []
        #expect(teams.count == 1 && teams.first?["owner"]?.string == "ok1", "g3, its owner's prefix stripped")
    }
}
