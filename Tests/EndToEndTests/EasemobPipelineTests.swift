import ExportGenerator
import Foundation
import MigrationCore
import Testing

/// The bundled Easemob sample (written from the documented formats, with the reference's two real
/// lines) plus planted trouble, through `plan` and `run` against the emulator: the history files
/// hold the expected lines, restricted files are fetched with their share-secret, and every bad
/// input is reported with the original file and line while everything else is migrated.
@Suite struct EasemobPipelineTests {
    static func line(_ id: Int, _ chatType: String, _ from: String, _ to: String, _ body: String) -> String {
        #"{"msg_id":"\#(id)","timestamp":\#(1_496_660_000_000 + id),"direction":"outgoing","to":"\#(to)","from":"\#(from)","chat_type":"\#(chatType)","payload":{"bodies":[\#(body)],"from":"\#(from)","to":"\#(to)"}}"#
    }

    @Test func anEasemobExportIsMigratedAndEveryBadInputIsNamed() async throws {
        let dir = try Processes.temporaryDirectory()
        let export = dir + "/export"
        try FileManager.default.copyItem(
            atPath: Processes.packageRoot.path + "/pipelines/easemob-sample/export", toPath: export)

        // An old CDN whose files need Easemob's share-secret header.
        try await withTarget(secret: "cdn", { $0.fileSecret = "s3cret" }) { cdn in
            let restricted = Data((0..<3333).map { UInt8($0 % 199) })
            let restrictedURL = try await cdn.upload(restricted, name: "r.png", type: "png")

            // Planted trouble: colliding and invalid users, a page cut short, an unknown body type,
            // a truncated and a corrupt hour file, a wrong share-secret.
            try
                #"{"entities":[{"username":"Frank"},{"username":"frank"},{"username":"a_name_much_longer_than_thirty_two_chars"}]}"#
                .write(toFile: export + "/users/page-0003.json", atomically: true, encoding: .utf8)
            try "{\"entities\":[\n{\"username\":\"gina\"},\n{\"username\":\"hal\"".write(
                toFile: export + "/users/page-0004.json", atomically: true, encoding: .utf8)
            let hour19 = [
                Self.line(
                    1, "chat", "alice", "Bob",
                    #"{"type":"img","url":"\#(restrictedURL)","secret":"s3cret","filename":"r.png","file_length":3333,"size":{"width":10,"height":20}}"#
                ),
                Self.line(
                    2, "chat", "Bob", "alice",
                    #"{"type":"img","url":"\#(cdn.baseURL)/_files/1-nope","secret":"wrong","filename":"n.png"}"#),
                Self.line(3, "chat", "alice", "Bob", #"{"type":"hologram","payload":"?"}"#),
                Self.line(4, "chat", "gina", "alice", #"{"msg":"from the cut page","type":"txt"}"#),
                Self.line(5, "chat", "Frank", "alice", #"{"msg":"a colliding sender","type":"txt"}"#),
            ]
            try (hour19.joined(separator: "\n") + "\n").write(
                toFile: export + "/chatmessages/2017060519", atomically: true, encoding: .utf8)
            let hour20 = (0..<4000).map {
                Self.line(100 + $0, "chat", "carol", "dave", #"{"msg":"m\#($0)","type":"txt"}"#)
            }
            try (hour20.joined(separator: "\n") + "\n").write(
                toFile: export + "/chatmessages/2017060520", atomically: true, encoding: .utf8)
            try await TestFiles.shell(
                "gzip -n chatmessages/2017060519 && gzip -n chatmessages/2017060520 && "
                    + "head -c 30000 chatmessages/2017060520.gz > chatmessages/2017060520.cut.gz && "
                    + "rm chatmessages/2017060520.gz && printf '\\037\\213\\010\\000garbage' > chatmessages/2017060521.gz",
                in: export)

            try await withTarget(secret: "t", limit: 150) { target in
                let pipeline = try target.pipeline(
                    in: dir, name: "em", format: "easemob", stages: [.users, .relations, .groups, .files, .history],
                    concurrency: 8)

                let plan = try await pipeline.run("plan")
                #expect(plan.code == 1, "lines would be left out: \(plan.stderr)")
                let planJSON = try pipeline.json("plan.json")
                // plan.html (issue 28) beside it, with its numbers and every kind of problem.
                let page = try String(contentsOfFile: pipeline.state + "/plan.html", encoding: .utf8)
                #expect(page.contains(#"data-total-calls="\#(planJSON["totalCalls"]?.int ?? -1)""#))
                for (code, count) in planJSON["problemCounts"]?["byCode"]?.objectValue ?? [:] {
                    #expect(page.contains(#"data-code="\#(code)" data-count="\#(count.int ?? -1)""#), "\(code)")
                }
                let planned = planJSON["problems"]?.array ?? []
                func has(_ code: String, _ file: String, _ line: Int? = nil) -> Bool {
                    planned.contains {
                        $0["code"]?.string == code && $0["file"]?.string == file
                            && (line == nil || $0["line"]?.int == Int64(line ?? 0))
                    }
                }
                #expect(has("unknown-body-type", "chatmessages/2017060519.gz", 3))
                #expect(has("damaged-file", "chatmessages/2017060520.cut.gz"))
                #expect(has("damaged-file", "chatmessages/2017060521.gz", 1))
                #expect(has("truncated-file", "users/page-0004.json", 3))
                #expect(has("appkey-prefix", "chatgroups/1234567890001/details.json"))
                #expect(has("cmd-skipped", "chatmessages/2017060517.gz", 11))
                #expect(has("chatroom-skipped", "chatmessages/2017060517.gz", 12))
                #expect(has("invalid-accid", "users/page-0003.json", 1), "\(planned.map(\.text))")
                #expect(
                    planned.contains {
                        $0["file"]?.string == "users/page-0003.json" && $0["code"]?.string?.contains("collid") == true
                    })

                let run = try await pipeline.run()
                #expect(run.code == 1, "\(run.stderr)")
                let p2p = try pipeline.lines("history/p2p-0001.txt")
                let team = try pipeline.lines("history/team-0001.txt")
                #expect(
                    p2p.first
                        == #"{"data":{"createTime":1496653041422,"msgid":339681410363163772,"from":"zly_test_2","to":"zly_test_1","body":" test send msg    2 to 1"},"type":0}"#
                )
                #expect(
                    p2p.contains {
                        $0.contains("\"msgid\":339674032473379932") && $0.contains(target.baseURL + "/_files/")
                    })
                #expect(p2p.contains { $0.contains(#""msgid":339681410363163800"#) && $0.contains(#"\"dur\":10000"#) })
                #expect(
                    p2p.contains {
                        $0.contains(#""msgid":1,"#) && $0.contains(target.baseURL)
                            && $0.contains(CheckSum.md5Hex(restricted))
                    },
                    "the restricted file was fetched with its share-secret and re-hosted")
                #expect(
                    p2p.contains { $0.contains(#""msgid":2,"#) && $0.contains("1-nope") },
                    "a refused download keeps the old URL")
                #expect(
                    p2p.contains { $0.contains("from the cut page") },
                    "the complete entries of a cut users page are migrated")
                #expect(!p2p.contains { $0.contains("a colliding sender") })
                let cut = p2p.filter { $0.contains(#""from":"carol","to":"dave""#) }.count
                #expect(cut > 100 && cut < 4000, "the lines before the cut of a truncated hour file are kept: \(cut)")
                #expect(team.count == 4)
                #expect(team.allSatisfy { $0.contains(#""tid":10001"#) || $0.contains(#""tid":10002"#) })

                let derived = HistoryNormalizer.stableID("5I02W-XX-8278a")
                #expect(p2p.contains { $0.contains("\"msgid\":\(derived),") })
                let ids = try await pipeline.run("ids", ["--kind", "message"])
                #expect(
                    ids.stdout == "old,new\n5I02W-XX-8278a,\(derived)\n", "a non-numeric msg_id is kept in the id map")

                let dump = try await target.dump()
                let teams = dump["teams"]?.array ?? []
                #expect(teams.contains { $0["owner"]?.string == "alice" && $0["tname"]?.string == "产品讨论" })
                let alice = dump["users"]?.array.first { $0["accid"]?.string == "alice" }
                #expect(alice?["name"]?.string == "Alice 李")
                #expect(alice?["icon"]?.string?.hasPrefix(target.baseURL) == true)
                let failed = try pipeline.text("failed.jsonl")
                #expect(failed.contains("HTTP 401") && failed.contains("chatmessages/2017060519.gz"))
                try await SourceAccountCheck.expectEverythingAccounted(dir: dir, name: "em", files: 10)
                #expect(failed.contains("\"file\":\"users/page-0003.json\""))
            }
        }
    }

    /// Kill -9 at random moments, during the conversion and the stages: the resumed run's
    /// history files equal a clean run's.
    @Test func killedDuringConversionAndStagesTheResultEqualsACleanRun() async throws {
        /// The sample plus an hour of 30,000 lines, and a pipeline migrating it into `target`.
        func prepare(_ target: TestTarget) async throws -> TestPipeline {
            let dir = try Processes.temporaryDirectory()
            let export = dir + "/export"
            try FileManager.default.copyItem(
                atPath: Processes.packageRoot.path + "/pipelines/easemob-sample/export", toPath: export)
            let hour = (0..<30_000).map {
                Self.line(
                    1000 + $0, $0 % 2 == 0 ? "chat" : "groupchat", $0 % 3 == 0 ? "alice" : "Bob",
                    $0 % 2 == 0 ? "carol" : "1234567890001", #"{"msg":"消息 \#($0)","type":"txt"}"#)
            }
            try TestFiles.write(hour, to: export + "/chatmessages/2017060600")
            try await TestFiles.shell("gzip -n chatmessages/2017060600", in: export)
            return try target.pipeline(
                in: dir, name: "em", format: "easemob", stages: [.users, .relations, .groups, .files, .history],
                rate: 2000, concurrency: 1, environment: ["NIM_MIGRATE_HISTORY_CHUNK": "2000"])
        }
        func history(_ pipeline: TestPipeline) throws -> String {
            try ["p2p-0001.txt", "team-0001.txt"].map { try pipeline.text("history/" + $0) }.joined()
                .replacingOccurrences(
                    of: #"http://127\.0\.0\.1:[0-9]+/_files/[^\\]*"#, with: "URL", options: .regularExpression)
        }
        let expected = try await withTarget(secret: "t", limit: 5000) { target in
            let clean = try await prepare(target)
            #expect(try await clean.run().code == 0)
            return try history(clean)
        }

        try await withTarget(secret: "t", limit: 5000) { target in
            let crashed = try await prepare(target)
            let seed = UInt64.random(in: 1...1_000_000)
            var rng = SplitMix64(seed: seed)
            var kills = 0
            for _ in 0..<8 {
                let (process, _, _) = try crashed.start()
                try await Task.sleep(for: .milliseconds(40 + rng.below(400)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    kills += 1
                }
                try await process.exited()
            }
            #expect(try await crashed.run().code == 0)
            #expect(kills > 0)
            #expect(try history(crashed) == expected, "history differs after \(kills) kills (seed \(seed))")
            #expect(!FileManager.default.fileExists(atPath: crashed.state + "/easemob-source.tmp"))
        }
    }
}
