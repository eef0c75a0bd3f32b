import Foundation
import MigrationCore
import Testing

/// Issue 9's bad-input campaign: over fifty kinds of broken input across every file of an export,
/// each reported with its file, line and kind, no crash, and nothing written outside `state/`.
@Suite struct BadInputCampaignTests {
    /// A line of a file, and the problem code it must be reported with (nil: a good line).
    typealias Case = (file: String, line: String, code: String?)

    static let nested = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
    static let cases: [Case] = [
        ("users.jsonl", #"{"accid":"ok1","name":"好"}"#, nil),
        ("users.jsonl", #"{"accid":"ok2"}"#, nil),
        ("users.jsonl", #"{"accid":"Case"}"#, "colliding-accid"),
        ("users.jsonl", #"{"accid":"case"}"#, "colliding-accid"),
        ("users.jsonl", #"{"accid":"#, "invalid-json"),
        ("users.jsonl", #"[1,2]"#, "invalid-json"),
        ("users.jsonl", #"{"name":"no accid"}"#, "missing-field"),
        ("users.jsonl", #"{"accid":""}"#, "missing-field"),
        ("users.jsonl", #"{"accid":null}"#, "missing-field"),
        ("users.jsonl", #"{"accid":"a b"}"#, "invalid-accid"),
        ("users.jsonl", "{\"accid\":\"\(String(repeating: "x", count: 40))\"}", "invalid-accid"),
        ("users.jsonl", #"{"accid":"中文名"}"#, "invalid-accid"),
        ("users.jsonl", #"{"accid":"Robert'); DROP TABLE users;--"}"#, "invalid-accid"),
        ("users.jsonl", #"{"accid":"<script>alert(1)</script>"}"#, "invalid-accid"),
        ("users.jsonl", #"{"accid":"nul\u0000x"}"#, "invalid-accid"),
        ("users.jsonl", "{\"accid\":\"raw\u{0}nul\"}", "invalid-json"),
        ("users.jsonl", #"{"accid":"ok3","gender":7}"#, "invalid-field"),
        ("users.jsonl", "{\"accid\":\"ok4\",\"name\":\"\(String(repeating: "名", count: 70))\"}", "field-too-long"),
        ("users.jsonl", #"{"accid":"ok1"}"#, "duplicate-user"),
        (
            "users.jsonl", "{\"accid\":\"big\",\"sign\":\"\(String(repeating: "z", count: 1_200_000))\"}",
            "line-too-long"
        ),
        ("users.jsonl", nested, "invalid-json"),
        ("users.jsonl", #"{"accid":"ok5","icon":"../../../../etc/passwd"}"#, nil),
        ("users.jsonl", #"{"accid":"ok6","icon":"file:///etc/passwd"}"#, nil),
        ("friends.jsonl", #"{"accid":"ok1","faccid":"ok2","alias":"two"}"#, nil),
        ("friends.jsonl", #"{"accid":"ok1"}"#, "missing-field"),
        ("friends.jsonl", #"{"accid":"ok1","faccid":"ghost"}"#, "unknown-user"),
        ("friends.jsonl", #"{"accid":"ok1","faccid":"OK1"}"#, "self-relation"),
        ("friends.jsonl", #"{"accid":"ok1","faccid":"Case"}"#, "colliding-user"),
        ("friends.jsonl", #"{"accid":"ok1","faccid":"a b"}"#, "invalid-user"),
        ("friends.jsonl", "not json at all", "invalid-json"),
        ("blocklist.jsonl", #"{"accid":"ok1","targetAcc":"ok2","relationType":3}"#, "invalid-field"),
        ("blocklist.jsonl", #"{"accid":"ok1","relationType":1}"#, "missing-field"),
        ("blocklist.jsonl", #"{"accid":"ok1","targetAcc":"ok2","relationType":"x"}"#, "invalid-field"),
        ("groups.jsonl", #"{"gid":"g1","tname":"ok","owner":"ok1","members":["ok2","ghost"]}"#, "group-members"),
        ("groups.jsonl", #"{"gid":"g2","tname":"no owner"}"#, "missing-field"),
        ("groups.jsonl", #"{"gid":"g3","owner":"ghost"}"#, "group-owner"),
        ("groups.jsonl", #"{"gid":"g1","owner":"ok1"}"#, "duplicate-group"),
        ("groups.jsonl", #"{"gid":"g4","owner":"ok1","members":"ok2"}"#, "invalid-field"),
        ("groups.jsonl", #"{"gid":"g5","owner":"ok1","custom":"not json"}"#, "custom-not-json"),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":1,"from":"ok1","to":"ok2","body":"hi"},"type":0}"#, nil
        ),
        ("messages/m.jsonl", "{\"data\":", "invalid-json"),
        ("messages/m.jsonl", #"{"type":0}"#, "missing-field"),
        (
            "messages/m.jsonl", #"{"data":{"createTime":1513685265481,"msgid":2,"from":"ok1","to":"ok2"},"type":7}"#,
            "invalid-type"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":3,"from":"ok1","to":"ok2","body":"x"},"type":"abc"}"#,
            "invalid-type"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":"yesterday","msgid":4,"from":"ok1","to":"ok2","body":"x"},"type":0}"#,
            "missing-field"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265,"msgid":5,"from":"ok1","to":"ok2","body":"x"},"type":0}"#, "normalized"
        ),
        (
            "messages/m.jsonl", #"{"data":{"createTime":1513685265481,"from":"ok1","to":"ok2","body":"x"},"type":0}"#,
            "missing-field"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":6,"from":"ghost","to":"ok2","body":"x"},"type":0}"#,
            "unknown-user"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":7,"accid":"ok1","tid":"nope","body":"x"},"type":0}"#,
            "unknown-team"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":8,"accid":"ok1","tid":"g1","tinfo":{"99":"x","tid":"g1"}},"type":107}"#,
            "invalid-tinfo"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":9,"accid":"ok1","tid":"g1","tinfo":{"22":5,"tid":"g1"}},"type":107}"#,
            "invalid-tinfo"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":10,"accid":"ok1","tid":"g1"},"type":101}"#, "missing-field"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":11,"from":"ok1","to":"ok2","accid2":"ok2"},"type":102}"#,
            "notification-not-team"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":12,"from":"ok1","to":"ok2","attach":{"ext":"jpg"}},"type":1}"#,
            "invalid-attach"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":13,"from":"ok1","to":"ok2","attach":42},"type":1}"#,
            "invalid-attach"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":14,"from":"ok1","to":"ok2","attach":{"title":"x"}},"type":4}"#,
            "invalid-attach"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":1,"from":"ok1","to":"ok2","body":"hi"},"type":0}"#,
            "duplicate-message"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":1,"from":"ok1","to":"ok2","body":"other"},"type":0}"#,
            "conflicting-message"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":15,"from":"ok1","to":"ok2","clientType":3,"body":"x"},"type":0}"#,
            "normalized"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":16,"from":"ok1","to":"ok2","attach":{"url":"../../../../etc/hostname"}},"type":6}"#,
            "leaves the export folder"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":17,"from":"ok1","to":"ok2","attach":{"url":"file:///etc/hostname"}},"type":6}"#,
            "leaves the export folder"
        ),
        ("messages/m.jsonl", "\u{FEFF}{\"data\":{}}", "invalid-json"),
        (
            "messages/m.jsonl", "{\"data\":{\"body\":\"\(String(repeating: "m", count: 1_100_000))\"},\"type\":0}",
            "line-too-long"
        ),
        (
            "messages/m.jsonl",
            #"{"data":{"createTime":1513685265481,"msgid":18,"from":"ok1","to":"ok2","body":"x"},"type":0"#,
            "invalid-json"
        ),
        ("sessions.jsonl", #"{"accid":"ok1","type":"room","target":"ok2","updateTime":1}"#, "invalid-field"),
        ("sessions.jsonl", #"{"accid":"ghost","type":"p2p","target":"ok2","updateTime":1}"#, "unknown-user"),
        ("sessions.jsonl", #"{"accid":"ok1","type":"p2p"}"#, "missing-field"),
    ]

    @Test func everyKindOfBrokenInputIsReportedAndNothingEscapesState() async throws {
        #expect(Self.cases.filter { $0.code != nil }.count >= 50)
        let (dir, export) = try TestFiles.workspace("messages")
        var lineOf: [Int: (String, Int)] = [:]
        var contents: [String: [String]] = [:]
        for (index, c) in Self.cases.enumerated() {
            contents[c.file, default: []].append(c.line)
            lineOf[index] = (c.file, contents[c.file]?.count ?? 0)
        }
        for (file, lines) in contents {
            try lines.joined(separator: "\n").write(toFile: export + "/" + file, atomically: true, encoding: .utf8)
        }
        let outcome = try await BadInputRun.perform(dir: dir, format: "canonical")
        let reported = outcome.reported
        for (index, c) in Self.cases.enumerated() {
            guard let code = c.code, let (file, line) = lineOf[index] else { continue }
            let found = reported["\(file):\(line)"] ?? []
            #expect(found.contains { $0.contains(code) }, "\(file):\(line) should be reported as \(code), got \(found)")
        }
        #expect(outcome.created == ["state"], "nothing written outside state/")
        let dump = outcome.dump
        #expect(dump["files"]?.array.isEmpty == true, "no file from outside the export was uploaded")
        #expect(dump["users"]?.array.count == 6, "ok1 … ok6: the valid accounts only")
    }
}
