import ArgumentParser
import Foundation
import MigrationCore
import NIMEmulator

extension NIMMigrate {
    /// `nim-migrate emulator`: a NIM server imitation on loopback, for rehearsals and tests; with
    /// `--easemob DIR`, an Easemob REST API imitation serving that export folder instead.
    struct Emulator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a local NIM server emulator on loopback (state in SQLite, faults on demand).",
            discussion: "With --easemob DIR it serves an Easemob export folder as Easemob's REST API instead.")

        @Option(help: "Port (0: any free port, printed on start).") var port = 18080
        @Option(help: "SQLite file for the emulator's state (default: in memory).") var state: String?
        @Option(name: .customLong("latency-ms"), help: "Added latency per call, e.g. 50..150.") var latency: String?
        @Option(name: .customLong("fault-rate"), help: "Fraction of calls answered 500/503.") var faultRate = 0.0
        @Option(name: .customLong("drop-rate"), help: "Fraction of calls whose connection is dropped.") var dropRate =
            0.0
        @Option(name: .customLong("stall-rate"), help: "Fraction of answers sent slowly.") var stallRate = 0.0
        @Option(
            name: .customLong("arrival-jitter-ms"),
            help: "Delay each call a random 0…N ms before the rate gate counts it (the network's jitter).")
        var arrivalJitterMs = 0
        @Option(help: "Calls accepted in any one-second window; beyond: 416.") var limit = 100
        @Option(name: .customLong("penalty-ms"), help: "After a 416, every call answers 416 this long.") var penaltyMs =
            0
        @Option(help: "Accept only this AppKey (default: any).") var appkey: String?
        @Option(name: .customLong("secret-env"), help: "Environment variable with the AppSecret.") var secretEnv =
            "NIM_APP_SECRET"
        @Option(help: "Seed of the fault injection.") var seed: UInt64 = 1
        @Option(
            name: .customLong("file-secret"),
            help: "Serve /_files only to requests with this share-secret header (an old CDN with restricted files).")
        var fileSecret: String?
        @Option(name: .customLong("cdn-dir"), help: "Serve the files of this folder as GET /_cdn/NAME (an old CDN).")
        var cdnDir: String?
        @Option(
            name: .customLong("friend-delete"),
            help: "What friend/delete.action ends: one-way (accid → faccid only) or both directions.")
        var friendDelete: EmulatorConfiguration.FriendDelete = .both
        @OptionGroup(title: "Easemob emulator") var easemob: EasemobOptions

        func validate() throws {
            if let latency, Self.range(latency) == nil {
                throw ValidationError("--latency-ms takes A..B, e.g. 50..150")
            }
            if !(0...EmulatorConfiguration.maxArrivalJitterMs).contains(arrivalJitterMs) {
                throw ValidationError(
                    "--arrival-jitter-ms must be between 0 and \(EmulatorConfiguration.maxArrivalJitterMs)")
            }
            for (name, value) in [("--fault-rate", faultRate), ("--drop-rate", dropRate), ("--stall-rate", stallRate)]
            where !(0...1).contains(value) {
                throw ValidationError("\(name) must be between 0 and 1")
            }
        }

        static func range(_ text: String) -> ClosedRange<Int>? {
            let parts = text.components(separatedBy: "..").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 0, parts[0] <= parts[1] else { return nil }
            return parts[0]...parts[1]
        }

        func run() async throws {
            if easemob.folder != nil {
                try await runEasemob()
                return
            }
            guard let secret = ProcessInfo.processInfo.environment[secretEnv], !secret.isEmpty else {
                complain("environment variable \(secretEnv) is not set (the emulator checks signatures against it)")
                throw ExitCode(2)
            }
            var config = EmulatorConfiguration(appSecret: secret)
            config.port = port
            config.statePath = state
            config.appKey = appkey
            config.latencyMs = latency.flatMap(Self.range)
            config.faultRate = faultRate
            config.dropRate = dropRate
            config.stallRate = stallRate
            config.limit = limit
            config.arrivalJitterMs = arrivalJitterMs
            config.penaltyMs = penaltyMs
            config.seed = seed
            config.fileSecret = fileSecret
            config.cdnDirectory = cdnDir
            config.friendDelete = friendDelete
            try await runInForeground(
                start: { try await EmulatorServer.start(config) },
                banner: { "NIM emulator listening on \($0.baseURL) (v1 API under /nimserver)" },
                stop: { await $0.shutdown() }, wait: { await $0.waitUntilStopped() })
        }
    }
}
