import ExportGenerator
import Foundation
import MigrationCore
import NIMEmulator
import Testing

/// The whole pipeline (users → history) under crashes and faults, compared with a clean run of the
/// same export: the target holds the same accounts, friendships, blocklists and teams, nothing is
/// created twice, and the history files are the same (URLs aside, which name different servers).
@Suite struct PipelineCampaignTests {
    static let secret = "campaign-secret"
    /// CI size by default; `make soak` raises it (CAMPAIGN_USERS, CAMPAIGN_MESSAGES, CAMPAIGN_KILLS).
    static let scale = ProcessInfo.processInfo.environment
    static let spec = ExportSpec(
        users: Int(scale["CAMPAIGN_USERS"] ?? "") ?? 120, groups: 6,
        messages: Int(scale["CAMPAIGN_MESSAGES"] ?? "") ?? 3000, seed: 99, bigGroupMembers: 90)
    static let kills = Int(scale["CAMPAIGN_KILLS"] ?? "") ?? 20

    /// A generated export whose attachments an old CDN serves over HTTP, and the pipeline
    /// migrating it into the target.
    struct Setup {
        let pipeline: TestPipeline
        let target: TestTarget
    }

    /// Runs `body` with a fresh setup (the target configured by `configure`), both emulators shut
    /// down afterwards.
    static func with<T>(
        _ configure: (inout EmulatorConfiguration) -> Void = { _ in }, _ body: (Setup) async throws -> T
    ) async throws -> T {
        let dir = try Processes.temporaryDirectory()
        return try await withTarget(secret: "cdn", { $0.cdnDirectory = dir + "/export/files" }) { cdn in
            var spec = spec
            spec.attachmentBase = cdn.baseURL + "/_cdn"
            _ = try ExportWriter(spec: spec).write(to: dir + "/export")
            return try await withTarget(secret: secret, limit: 5000, configure) { target in
                // One call at a time keeps team creation in source order, so tids compare across runs.
                let pipeline = try target.pipeline(
                    in: dir, name: "c", stages: [.users, .relations, .groups, .files, .history], rate: 2000,
                    concurrency: 1,
                    environment: [
                        "NIM_MIGRATE_HISTORY_CHUNK": "500", "NIM_MIGRATE_HISTORY_FLUSH_BYTES": "2048",
                        "NIM_MIGRATE_THROTTLE_PAUSE_MS": "200",
                    ])
                return try await body(Setup(pipeline: pipeline, target: target))
            }
        }
    }

    static func run(_ setup: Setup, _ arguments: [String] = []) async throws -> Int32 {
        try await setup.pipeline.run("run", arguments).code
    }

    /// What the target holds, in a form two servers can be compared by.
    static func state(_ setup: Setup) async throws -> [String: [String]] {
        let dump = try await setup.target.dump()
        func rows(_ key: String, _ fields: [String]) -> [String] {
            (dump[key]?.array ?? []).map { row in fields.map { row[$0]?.text ?? "-" }.joined(separator: "|") }.sorted()
        }
        return [
            // Tokens the export lacks are generated per run: compared with tokens.csv below instead.
            "users": rows("users", ["accid", "name", "gender"]),
            "avatars": (dump["users"]?.array ?? []).compactMap { $0["icon"]?.string == nil ? nil : $0["accid"]?.string }
                .sorted(),
            "friends": rows("friends", ["accid", "faccid", "alias", "ex"]),
            "special": rows("specialRelations", ["accid", "targetAcc", "relationType"]),
            "teams": rows("teams", ["tid", "tname", "owner", "members", "admins", "muted", "muteType", "custom"]),
            "files": (dump["files"]?.array ?? []).compactMap { $0["md5"]?.string }.sorted(),
        ]
    }

    static func history(_ setup: Setup) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in ["p2p-0001.txt", "team-0001.txt"] {
            out[name] = try setup.pipeline.text("history/" + name).replacingOccurrences(
                of: #"\\"url\\":\\"http://127\.0\.0\.1:[0-9]+/_files/[^\\]*\\""#, with: "URL",
                options: .regularExpression)
        }
        return out
    }

    /// `tokens.csv` holds the token NIM has for every account, crashes or not.
    static func expectTokensMatch(_ setup: Setup) async throws {
        let dump = try await setup.target.dump()
        var tokens: [String: String] = [:]
        for user in dump["users"]?.array ?? [] {
            if let accid = user["accid"]?.string, let token = user["token"]?.string { tokens[accid] = token }
        }
        let csv = try setup.pipeline.text("tokens.csv").split(separator: "\n").dropFirst()
        #expect(csv.count == tokens.count)
        for line in csv {
            let parts = line.split(separator: ",").map(String.init)
            #expect(parts.count == 2 && tokens[parts[0]] == parts[1], "tokens.csv: \(line)")
        }
    }

    @Test func killedTwentyTimesAtRandomTheResultEqualsACleanRun() async throws {
        let (expected, expectedHistory) = try await Self.with { clean in
            #expect(try await Self.run(clean) == 0)
            let expected = try await Self.state(clean)
            #expect(expected["teams"]?.count == 6 && expected["users"]?.count == Self.spec.users)
            let rehosted = try clean.pipeline.text("history/p2p-0001.txt")
            #expect(!rehosted.contains("/_cdn/"), "every attachment came over HTTP from the old CDN and was re-hosted")
            #expect(
                try String(contentsOfFile: clean.pipeline.dir + "/export/messages/p2p.jsonl", encoding: .utf8)
                    .contains("/_cdn/"))
            return (expected, try Self.history(clean))
        }

        try await Self.with { crashed in
            let seed =
                UInt64(ProcessInfo.processInfo.environment["KILL_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
            print("pipeline kill campaign seed \(seed) (set KILL_SEED to replay)")
            var rng = SplitMix64(seed: seed)
            var kills = 0
            var finished = false
            while kills < Self.kills && !finished {
                let (process, _, _) = try crashed.pipeline.start()
                try await Task.sleep(for: .milliseconds(30 + rng.below(250)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    kills += 1
                }
                try await process.exited()
                finished = process.terminationReason == .exit && process.terminationStatus == 0
            }
            if !finished { #expect(try await Self.run(crashed) == 0) }
            let got = try await Self.state(crashed)
            for key in ["users", "avatars", "friends", "special", "teams"] {
                #expect(got[key] == expected[key], "\(key) differs after \(kills) kills (seed \(seed))")
            }
            // An upload that NIM answered just before a kill, and whose answer was never saved, is the
            // one call the tool cannot look up again: at most one extra copy per kill, same bytes.
            #expect(Set(got["files"] ?? []) == Set(expected["files"] ?? []))
            #expect((got["files"]?.count ?? 0) <= (expected["files"]?.count ?? 0) + kills)
            #expect(try Self.history(crashed) == expectedHistory, "history differs (seed \(seed))")
            try await Self.expectTokensMatch(crashed)
            print(
                "pipeline kill campaign: \(kills) kills, \((got["files"]?.count ?? 0) - (expected["files"]?.count ?? 0)) extra uploads"
            )
        }
    }

    @Test func underFaultsEveryItemEndsDoneOrNamedAndRetriesFinishTheJob() async throws {
        let expected = try await Self.with { clean in
            #expect(try await Self.run(clean) == 0)
            return try await Self.state(clean)
        }

        let faulty: (inout EmulatorConfiguration) -> Void = {
            $0.faultRate = 0.05
            $0.dropRate = 0.02
            $0.stallRate = 0.01
            $0.stallMs = 300
            $0.limit = 40  // far below what one call at a time reaches: a 416 storm
            $0.penaltyMs = 100
            $0.seed = 7
        }
        try await Self.with(faulty) { faulty in
            var code = try await Self.run(faulty)
            #expect(code == 0 || code == 1)
            for _ in 0..<3 where code != 0 {
                for line in try faulty.pipeline.lines("failed.jsonl") {
                    let item = try JSONValue.parse(Data(line.utf8))
                    #expect(item["desc"]?.string?.isEmpty == false, "every failure has a reason: \(line)")
                }
                code = try await Self.run(faulty, ["--retry-failed"])
            }
            #expect(code == 0)
            let got = try await Self.state(faulty)
            for key in ["users", "avatars", "friends", "special", "teams"] {
                #expect(got[key] == expected[key], "\(key) differs under faults")
            }
            let throttled = try await faulty.target.dump()["throttled"]?.int
            #expect((throttled ?? 0) > 0, "the storm happened")
        }
    }
}
