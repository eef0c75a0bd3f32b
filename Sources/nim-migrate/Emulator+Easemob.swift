import ArgumentParser
import EasemobEmulator
import Foundation
import MigrationCore

extension NIMMigrate.Emulator {
    /// The options of `nim-migrate emulator --easemob DIR`.
    struct EasemobOptions: ParsableArguments {
        @Option(name: .customLong("easemob"), help: "Serve this Easemob export folder as Easemob's REST API.")
        var folder: String?
        @Option(help: "Organisation name in the URLs ({org}).") var org = "easemob-demo"
        @Option(help: "App name in the URLs ({app}).") var app = "chatdemoui"
        @Option(name: .customLong("client-id"), help: "Client ID the token call accepts.") var clientID = "YXA6emulator"
        @Option(name: .customLong("client-secret-env"), help: "Environment variable with the Client Secret.")
        var clientSecretEnv = "EASEMOB_CLIENT_SECRET"
        @Option(help: "Virtual now at start, Unix ms (default: the newest hour file's end + 26 h).") var now: Int64?
        @Option(help: "Zone of the hour keys yyyyMMddHH, e.g. +08:00 or UTC.") var timezone = "+08:00"
        @Option(name: .customLong("token-ttl"), help: "Token lifetime in seconds when the call asks none.")
        var tokenTTL = 1_024_000
        @Option(name: .customLong("token-ttl-cap"), help: "No token lives longer than this many seconds.")
        var tokenTTLCap: Int?
        @Option(name: .customLong("history-retention-hours"), help: "Hours of history kept (older: 400).")
        var historyRetentionHours = 72
        @Option(name: .customLong("generation-delay-hours"), help: "Hours after an hour's end before its file exists.")
        var generationDelayHours = 2
        @Option(name: .customLong("signed-url-ttl"), help: "Seconds a signed history download URL lives.")
        var signedURLTTL = 1800
        @Option(name: .customLong("attachment-retention-days"), help: "Days an attachment is kept.")
        var attachmentRetentionDays = 7
        @Option(name: .customLong("user-rate"), help: "Calls/s of the account and group APIs.") var userRate = 100
        @Option(name: .customLong("block-rate"), help: "Calls/s of the blocklist API.") var blockRate = 50
        @Option(name: .customLong("history-per-minute"), help: "History calls in any 60 s.") var historyPerMinute = 10
        @Option(name: .customLong("file-rate"), help: "Calls/s of chatfiles downloads.") var fileRate = 100
        @Option(name: .customLong("download-rate"), help: "Calls/s of signed downloads (default: unlimited).")
        var downloadRate: Int?
        @Flag(name: .customLong("last-page-cursor"), help: "The users list's last page still carries a cursor.")
        var lastPageCursor = false
    }

    /// Runs the Easemob emulator in the foreground until interrupted.
    func runEasemob() async throws {
        guard let folder = easemob.folder else { return }
        guard let secret = ProcessInfo.processInfo.environment[easemob.clientSecretEnv], !secret.isEmpty else {
            complain("environment variable \(easemob.clientSecretEnv) is not set (the token call checks it)")
            throw ExitCode(2)
        }
        var config = EasemobEmulatorConfiguration(exportPath: folder, clientSecret: secret)
        config.port = port
        config.org = easemob.org
        config.app = easemob.app
        config.clientID = easemob.clientID
        config.nowMs = easemob.now
        config.timezone = easemob.timezone
        config.tokenTTL = easemob.tokenTTL
        config.tokenTTLCap = easemob.tokenTTLCap
        config.historyRetentionHours = easemob.historyRetentionHours
        config.generationDelayHours = easemob.generationDelayHours
        config.signedURLTTL = easemob.signedURLTTL
        config.attachmentRetentionDays = easemob.attachmentRetentionDays
        config.userRate = easemob.userRate
        config.blockRate = easemob.blockRate
        config.historyPerMinute = easemob.historyPerMinute
        config.fileRate = easemob.fileRate
        config.downloadRate = easemob.downloadRate
        config.lastPageCursor = easemob.lastPageCursor
        try await runInForeground(
            start: { try await EasemobEmulatorServer.start(config) },
            banner: { "Easemob emulator listening on \($0.baseURL) (REST API under /\(easemob.org)/\(easemob.app))" },
            stop: { await $0.shutdown() }, wait: { await $0.waitUntilStopped() })
    }
}
