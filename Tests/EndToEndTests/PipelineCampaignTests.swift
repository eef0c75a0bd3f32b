import ExportGenerator
import Foundation
import MigrationCore
import NIMEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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

    struct Setup {
        let dir: String
        let server: EmulatorServer
        /// The old CDN the messages' attachments are downloaded from over HTTP.
        let cdn: EmulatorServer

        func shutdown() async {
            await server.shutdown()
            await cdn.shutdown()
        }
    }

    static func setup(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) async throws -> Setup {
        let dir = try Processes.temporaryDirectory()
        var cdnConfig = EmulatorConfiguration(appSecret: "cdn")
        cdnConfig.port = 0
        cdnConfig.cdnDirectory = dir + "/export/files"
        let cdn = try await EmulatorServer.start(cdnConfig)
        var spec = spec
        spec.attachmentBase = cdn.baseURL + "/_cdn"
        _ = try ExportWriter(spec: spec).write(to: dir + "/export")
        var config = EmulatorConfiguration(appSecret: secret)
        config.port = 0
        config.limit = 5000
        configure(&config)
        let server = try await EmulatorServer.start(config)
        // One call at a time keeps team creation in source order, so tids compare across runs.
        try """
        name: c
        source: {format: canonical, path: export}
        target: {endpoint: "\(server.baseURL)/nimserver", appkey: k, app_secret_env: C_SECRET}
        throttle: {rate: 2000}
        concurrency: 1
        stages: [users, relations, groups, files, history]

        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        return Setup(dir: dir, server: server, cdn: cdn)
    }

    static let environment = [
        "C_SECRET": secret, "NIM_MIGRATE_HISTORY_CHUNK": "500", "NIM_MIGRATE_HISTORY_FLUSH_BYTES": "2048",
        "NIM_MIGRATE_THROTTLE_PAUSE_MS": "200",
    ]

    static func run(_ setup: Setup, _ arguments: [String] = []) async throws -> Int32 {
        try await Processes.run("nim-migrate", ["run", "p.yaml"] + arguments, in: setup.dir, environment: environment)
            .code
    }

    /// What the target holds, in a form two servers can be compared by.
    static func state(_ setup: Setup) async throws -> [String: [String]] {
        guard let url = URL(string: setup.server.baseURL + "/_emulator/dump") else { return [:] }
        let dump = try JSONValue.parse(try await URLSession.shared.data(from: url).0)
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
            let text = try String(contentsOfFile: setup.dir + "/state/c/history/" + name, encoding: .utf8)
            out[name] = text.replacingOccurrences(
                of: #"\\"url\\":\\"http://127\.0\.0\.1:[0-9]+/_files/[^\\]*\\""#, with: "URL",
                options: .regularExpression)
        }
        return out
    }

    /// `tokens.csv` holds the token NIM has for every account, crashes or not.
    static func expectTokensMatch(_ setup: Setup) async throws {
        guard let url = URL(string: setup.server.baseURL + "/_emulator/dump") else { return }
        let dump = try JSONValue.parse(try await URLSession.shared.data(from: url).0)
        var tokens: [String: String] = [:]
        for user in dump["users"]?.array ?? [] {
            if let accid = user["accid"]?.string, let token = user["token"]?.string { tokens[accid] = token }
        }
        let csv = try String(contentsOfFile: setup.dir + "/state/c/tokens.csv", encoding: .utf8).split(separator: "\n")
            .dropFirst()
        #expect(csv.count == tokens.count)
        for line in csv {
            let parts = line.split(separator: ",").map(String.init)
            #expect(parts.count == 2 && tokens[parts[0]] == parts[1], "tokens.csv: \(line)")
        }
    }

    @Test func killedTwentyTimesAtRandomTheResultEqualsACleanRun() async throws {
        let clean = try await Self.setup()
        #expect(try await Self.run(clean) == 0)
        let expected = try await Self.state(clean)
        let expectedHistory = try Self.history(clean)
        #expect(expected["teams"]?.count == 6 && expected["users"]?.count == Self.spec.users)
        let rehosted = try String(contentsOfFile: clean.dir + "/state/c/history/p2p-0001.txt", encoding: .utf8)
        #expect(!rehosted.contains("/_cdn/"), "every attachment came over HTTP from the old CDN and was re-hosted")
        #expect(
            try String(contentsOfFile: clean.dir + "/export/messages/p2p.jsonl", encoding: .utf8).contains("/_cdn/"))

        let crashed = try await Self.setup()
        let seed = UInt64(ProcessInfo.processInfo.environment["KILL_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        print("pipeline kill campaign seed \(seed) (set KILL_SEED to replay)")
        var rng = SplitMix64(seed: seed)
        var kills = 0
        var finished = false
        while kills < Self.kills && !finished {
            let (process, _, _) = try Processes.start(
                "nim-migrate", ["run", "p.yaml"], in: crashed.dir, environment: Self.environment)
            try await Task.sleep(for: .milliseconds(30 + rng.below(250)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
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
        await clean.shutdown()
        await crashed.shutdown()
    }

    @Test func underFaultsEveryItemEndsDoneOrNamedAndRetriesFinishTheJob() async throws {
        let clean = try await Self.setup()
        #expect(try await Self.run(clean) == 0)
        let expected = try await Self.state(clean)

        let faulty = try await Self.setup {
            $0.faultRate = 0.05
            $0.dropRate = 0.02
            $0.stallRate = 0.01
            $0.stallMs = 300
            $0.limit = 40  // far below what one call at a time reaches: a 416 storm
            $0.penaltyMs = 100
            $0.seed = 7
        }
        var code = try await Self.run(faulty)
        #expect(code == 0 || code == 1)
        for _ in 0..<3 where code != 0 {
            let failed = try String(contentsOfFile: faulty.dir + "/state/c/failed.jsonl", encoding: .utf8)
            for line in failed.split(separator: "\n") {
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
        let throttled = try JSONValue.parse(
            try await URLSession.shared.data(from: try #require(URL(string: faulty.server.baseURL + "/_emulator/dump")))
                .0)["throttled"]?.int
        #expect((throttled ?? 0) > 0, "the storm happened")
        await clean.shutdown()
        await faulty.shutdown()
    }
}
