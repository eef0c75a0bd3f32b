import ExportGenerator
import Foundation
import Testing

/// `nim-migrate pull` killed with SIGKILL right after a random durable effect (a page, list, hour
/// file or attachment written, a checkpoint, a folder swapped in), then run to its end: the folder
/// converts exactly as an uninterrupted pull's does, and its history files and attachments are
/// byte-equal — nothing missing, nothing twice. `PULL_KILLS` rounds (3 in `make test`, 25 in
/// `make soak`); `KILL_SEED` replays a campaign; `PULL_KILL_SWEEP=1` kills after every effect in
/// turn.
@Suite struct PullKillTests {
    @Test func killNineAtRandomEffectsLosesNothing() async throws {
        let kills = ProcessInfo.processInfo.environment["PULL_KILLS"].flatMap(Int.init) ?? 3
        let seed = UInt64(ProcessInfo.processInfo.environment["KILL_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        print("pull kill campaign seed \(seed), \(kills) kills (set KILL_SEED to replay)")
        var rng = SplitMix64(seed: seed)
        try await EasemobPullFixture.with { fixture in
            // The reference: an uninterrupted pull of the same emulator into another folder.
            let reference = try String(contentsOfFile: fixture.dir + "/p.yaml", encoding: .utf8)
                .replacingOccurrences(of: "name: pulled", with: "name: reference")
                .replacingOccurrences(of: "path: export", with: "path: reference-export")
            try reference.write(toFile: fixture.dir + "/r.yaml", atomically: true, encoding: .utf8)
            #expect(try await fixture.run("pull", "r.yaml").code == 0)
            let expected = try await fixture.canonical("r.yaml", name: "reference")

            // Each round starts afresh, is killed after its Nth effect, and is pulled again to its end.
            let sweep = ProcessInfo.processInfo.environment["PULL_KILL_SWEEP"] != nil
            let points = sweep ? Array(1...170) : (0..<kills).map { _ in 1 + rng.below(170) }
            var killed = 0
            for at in points {
                for path in ["export", "state/pulled", "state/pulled.pull.sqlite"] {
                    try? FileManager.default.removeItem(atPath: fixture.dir + "/" + path)
                }
                let (process, _, _) = try fixture.start(environment: ["NIM_MIGRATE_FAILPOINT": "pull.effect@\(at)"])
                try await process.exited()
                guard process.terminationReason == .uncaughtSignal else { continue }
                killed += 1
                let last = try await fixture.run()
                #expect(last.code == 0, "killed after effect \(at): \(last.stderr)")
                #expect(try await fixture.canonical("p.yaml", name: "pulled") == expected, "killed after effect \(at)")
                for folder in ["files", "chatmessages"] {
                    #expect(
                        EasemobPullFixture.files(fixture.exportPath, folder)
                            == EasemobPullFixture.files(fixture.dir + "/reference-export", folder),
                        "\(folder), killed after effect \(at)")
                }
            }
            print("pull kill campaign: \(killed) of \(points.count) runs killed")
            #expect(killed > 0)
            #expect(!FileManager.default.fileExists(atPath: fixture.exportPath + "/.pull"), "no staging left behind")
        }
    }
}
