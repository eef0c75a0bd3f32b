import ExportGenerator
import Foundation
import MigrationCore
import Testing

/// The history stage under SIGKILL: killed inside a chunk (after its lines were appended, before
/// its transaction committed), after a commit, and at random moments, the resumed run's import
/// files are byte-identical to those of an uninterrupted run.
@Suite struct HistoryResumeTests {
    static let secret = "history-secret"

    /// A generated export in a fresh folder and a pipeline migrating it into `target`.
    static func prepare(_ target: TestTarget) throws -> TestPipeline {
        let dir = try Processes.temporaryDirectory()
        _ = try ExportWriter(spec: ExportSpec(users: 80, groups: 4, messages: 12_000, seed: 11, bigGroupMembers: 60))
            .write(to: dir + "/export")
        // One call at a time: teams are created in source order, so tids match between runs.
        return try target.pipeline(
            in: dir, name: "h", stages: [.users, .relations, .groups, .history], rate: 2000, concurrency: 1,
            environment: ["NIM_MIGRATE_HISTORY_CHUNK": "700", "NIM_MIGRATE_HISTORY_FLUSH_BYTES": "4096"])
    }

    static func run(_ pipeline: TestPipeline, failpoint: String? = nil) async throws -> Int32 {
        try await pipeline.run(environment: failpoint.map { ["NIM_MIGRATE_FAILPOINT": $0] } ?? [:]).code
    }

    /// The history files.
    static func outputs(_ pipeline: TestPipeline) throws -> [String: Data] {
        let history = pipeline.state + "/history"
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: history) {
            files[name] = FileManager.default.contents(atPath: history + "/" + name)
        }
        return files
    }

    @Test func killedMidChunkAfterACommitAndAtRandomTheOutputIsByteIdentical() async throws {
        let expected = try await withTarget(secret: Self.secret, limit: 5000) { target in
            let clean = try Self.prepare(target)
            #expect(try await Self.run(clean) == 0)
            return try Self.outputs(clean)
        }
        #expect(expected.keys.sorted() == ["manifest.json", "p2p-0001.txt", "team-0001.txt"])
        let lines = expected.filter { $0.key.hasSuffix(".txt") }.values.reduce(0) {
            $0 + $1.filter { $0 == 0x0A }.count
        }
        #expect(lines == 12_000)

        try await withTarget(secret: Self.secret, limit: 5000) { target in
            let crashed = try Self.prepare(target)
            #expect(try await Self.run(crashed, failpoint: "history.before-commit@4") != 0)
            #expect(try await Self.run(crashed, failpoint: "history.after-chunk@3") != 0)
            #expect(try await Self.run(crashed, failpoint: "history.before-commit@9") != 0)
            let seed = UInt64.random(in: 1...1_000_000)
            print("history kill seed \(seed)")
            var rng = SplitMix64(seed: seed)
            for _ in 0..<3 {
                let (process, _, _) = try crashed.start()
                try await Task.sleep(for: .milliseconds(100 + rng.below(400)))
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                try await process.exited()
            }
            #expect(try await Self.run(crashed) == 0)
            let got = try Self.outputs(crashed)
            #expect(got.keys.sorted() == expected.keys.sorted())
            for (name, data) in expected {
                #expect(got[name] == data, "\(name) differs after resumes (seed \(seed))")
            }
        }
    }
}
