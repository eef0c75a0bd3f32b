import ExportGenerator
import Foundation
import MigrationCore
import NIMEmulator
import Testing

/// The history stage under SIGKILL: killed inside a chunk (after its lines were appended, before
/// its transaction committed), after a commit, and at random moments, the resumed run's import
/// files are byte-identical to those of an uninterrupted run.
@Suite struct HistoryResumeTests {
    static let secret = "history-secret"

    /// A generated export migrated into a fresh emulator from `dir`; returns the history files.
    static func prepare(_ dir: String) async throws -> EmulatorServer {
        _ = try ExportWriter(spec: ExportSpec(users: 80, groups: 4, messages: 12_000, seed: 11, bigGroupMembers: 60))
            .write(to: dir + "/export")
        var config = EmulatorConfiguration(appSecret: secret)
        config.port = 0
        config.limit = 5000
        let server = try await EmulatorServer.start(config)
        // One call at a time: teams are created in source order, so tids match between runs.
        try """
        name: h
        source: {format: canonical, path: export}
        target: {endpoint: "\(server.baseURL)/nimserver", appkey: k, app_secret_env: H_SECRET}
        throttle: {rate: 2000}
        concurrency: 1
        stages: [users, relations, groups, history]

        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        return server
    }

    static func run(_ dir: String, failpoint: String? = nil) async throws -> Int32 {
        var env = [
            "H_SECRET": secret, "NIM_MIGRATE_HISTORY_CHUNK": "700",
            "NIM_MIGRATE_HISTORY_FLUSH_BYTES": "4096",
        ]
        if let failpoint { env["NIM_MIGRATE_FAILPOINT"] = failpoint }
        return try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: env).code
    }

    static func outputs(_ dir: String) throws -> [String: Data] {
        let history = dir + "/state/h/history"
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: history) {
            files[name] = FileManager.default.contents(atPath: history + "/" + name)
        }
        return files
    }

    @Test func killedMidChunkAfterACommitAndAtRandomTheOutputIsByteIdentical() async throws {
        let clean = try Processes.temporaryDirectory()
        let cleanServer = try await Self.prepare(clean)
        #expect(try await Self.run(clean) == 0)
        let expected = try Self.outputs(clean)
        #expect(expected.keys.sorted() == ["manifest.json", "p2p-0001.txt", "team-0001.txt"])
        let lines = expected.filter { $0.key.hasSuffix(".txt") }.values.reduce(0) {
            $0 + $1.filter { $0 == 0x0A }.count
        }
        #expect(lines == 12_000)

        let crashed = try Processes.temporaryDirectory()
        let crashedServer = try await Self.prepare(crashed)
        #expect(try await Self.run(crashed, failpoint: "history.before-commit@4") != 0)
        #expect(try await Self.run(crashed, failpoint: "history.after-chunk@3") != 0)
        #expect(try await Self.run(crashed, failpoint: "history.before-commit@9") != 0)
        let seed = UInt64.random(in: 1...1_000_000)
        print("history kill seed \(seed)")
        var rng = SplitMix64(seed: seed)
        for _ in 0..<3 {
            let (process, _, _) = try Processes.start(
                "nim-migrate", ["run", "p.yaml"], in: crashed,
                environment: [
                    "H_SECRET": Self.secret, "NIM_MIGRATE_HISTORY_CHUNK": "700",
                    "NIM_MIGRATE_HISTORY_FLUSH_BYTES": "4096",
                ])
            try await Task.sleep(for: .milliseconds(100 + rng.below(400)))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        #expect(try await Self.run(crashed) == 0)
        let got = try Self.outputs(crashed)
        #expect(got.keys.sorted() == expected.keys.sorted())
        for (name, data) in expected {
            #expect(got[name] == data, "\(name) differs after resumes (seed \(seed))")
        }
        await cleanServer.shutdown()
        await crashedServer.shutdown()
    }
}
