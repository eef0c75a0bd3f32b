import Foundation
import MigrationCore
import Testing

/// A corpus of broken message lines beside good ones: each broken line is reported with its file
/// and line (by the plan and by the run), and every good line reaches the import files.
@Suite struct HistoryBadInputTests {
    static let lines: [(String, String?)] = [
        (
            #"{"data":{"createTime":1513685265481,"clientType":"2","msgid":1,"from":"alice","to":"Bob","body":"ok"},"type":0}"#,
            nil
        ),
        (
            #"{"data":{"createTime":1513685265,"msgid":2,"from":"alice","to":"bob","body":"seconds"},"type":"0"}"#,
            "normalized"
        ),
        ("{not json", "invalid-json"),
        (#"{"data":{"createTime":1513685265481,"msgid":3,"from":"alice","to":"bob"},"type":0}"#, "missing-field"),
        (
            #"{"data":{"createTime":"yesterday","msgid":4,"from":"alice","to":"bob","body":"x"},"type":0}"#,
            "missing-field"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":5,"from":"alice","to":"bob","body":"x"},"type":"text"}"#,
            "invalid-type"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":6,"accid":"alice","tid":404,"body":"x"},"type":0}"#,
            "unknown-team"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":7,"from":"alice","to":"nobody","body":"x"},"type":0}"#,
            "unknown-user"
        ),
        (
            #"{"data":{"createTime":1513685265481,"clientType":"2","msgid":1,"from":"alice","to":"Bob","body":"ok"},"type":0}"#,
            "duplicate-message"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"from":"alice","to":"bob","body":"changed"},"type":0}"#,
            "conflicting-message"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":8,"accid":"alice","tid":"g1","tinfo":{"17":"5","tid":"g1"}},"type":107}"#,
            "invalid-tinfo"
        ),
        (#"{"data":{"createTime":1513685265481,"msgid":9,"accid":"alice","tid":"g1"},"type":101}"#, "missing-field"),
        (
            #"{"data":{"createTime":1513685265481,"msgid":10,"accid":"alice","accid2":"bob","tid":"g1"},"type":101}"#,
            nil
        ),
        ("", nil),
        (
            #"{"data":{"createTime":1513685265481,"msgid":11,"from":"alice","to":"bob","attach":{"url":"files/x.png","size":"12"}},"type":1}"#,
            "old-url-kept"
        ),
    ]

    @Test func everyBrokenLineIsReportedWithFileAndLineAndGoodLinesPass() async throws {
        let (dir, export) = try TestFiles.workspace("messages")
        // Files saved with a UTF-8 byte-order mark (Windows tools write one) read like any other.
        try "\u{FEFF}{\"accid\":\"alice\"}\n{\"accid\":\"bob\"}\n".write(
            toFile: export + "/users.jsonl", atomically: true, encoding: .utf8)
        try "{\"gid\":\"g1\",\"tname\":\"g\",\"owner\":\"alice\",\"members\":[\"bob\"]}\n"
            .write(toFile: export + "/groups.jsonl", atomically: true, encoding: .utf8)
        try ("\u{FEFF}" + Self.lines.map(\.0).joined(separator: "\n") + "\n")
            .write(toFile: export + "/messages/chat.jsonl", atomically: true, encoding: .utf8)
        try await withTarget(secret: "s") { target in
            let pipeline = try target.pipeline(in: dir, name: "bad", stages: [.users, .groups, .history])

            let plan = try await pipeline.run("plan")
            #expect(plan.code == 1)
            let run = try await pipeline.run()
            #expect(run.code == 1, "\(run.stderr)")

            let problems = try pipeline.json("plan.json")["problems"]?.array ?? []
            let found = Set(
                problems.compactMap { p -> String? in
                    guard p["file"]?.string == "messages/chat.jsonl", let line = p["line"]?.int,
                        let code = p["code"]?.string
                    else { return nil }
                    return "\(line) \(code)"
                })
            for (index, (_, code)) in Self.lines.enumerated() {
                guard let code else { continue }
                #expect(
                    found.contains("\(index + 1) \(code)"),
                    "line \(index + 1) should be reported as \(code): \(found.sorted())")
            }
            let failed = try pipeline.text("failed.jsonl")
            #expect(failed.contains("\"file\":\"messages/chat.jsonl\",\"kind\":\"line\",\"line\":10"))
            let p2p = try pipeline.lines("history/p2p-0001.txt")
            let team = try pipeline.lines("history/team-0001.txt")
            #expect(p2p.count == 3, "lines 1, 2 and 15")
            #expect(
                p2p.first
                    == #"{"data":{"clientType":2,"createTime":1513685265481,"msgid":1,"from":"alice","to":"bob","body":"ok"},"type":0}"#
            )
            #expect(p2p.contains { $0.contains("\"createTime\":1513685265000") })
            #expect(team.count == 1 && team[0].contains("\"accid2\":\"bob\""))
        }
    }
}
