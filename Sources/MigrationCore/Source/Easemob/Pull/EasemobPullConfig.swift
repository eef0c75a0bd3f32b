internal import Foundation

/// `source.pull` (SPEC §4 "Pulling from Easemob"): which Easemob app `nim-migrate pull` copies,
/// with whose credentials, how fast, and from which hour of history.
public struct EasemobPullConfig: Sendable, Equatable {
    /// The REST host of the app's cluster, e.g. `https://a1.easemob.com`.
    public var host: String
    public var org: String
    public var app: String
    public var clientID: String
    /// The *name* of the environment variable holding the client secret.
    public var clientSecretEnv: String
    /// Calls per second for the account and group APIs and attachment downloads (Easemob's 100/s
    /// is shared with the live app).
    public var rate: Int = 50
    /// Blocklist calls per second (Easemob's own limit is 50).
    public var blockRate: Int = 50
    /// History calls in any 60 seconds (10 by default; each add-on pack adds 20).
    public var historyPerMinute: Int = 10
    /// The first hour (`yyyyMMddHH` in `timezone`); nil: three days before the server's now, the
    /// retention Easemob documents by default.
    public var historyFrom: String?
    /// Seconds east of UTC of the hour keys (Beijing time on China clusters, UTC overseas).
    public var timezoneOffset: Int = 8 * 3600
    /// Whether attachments (and avatars) referenced by what is pulled are downloaded.
    public var attachments: Bool = true
    /// Seconds the pull waits for an Easemob that stopped answering before it stops (exit 3).
    public var outageWait: Int = 600
    /// An Easemob export folder that `make pull` serves with `nim-migrate emulator --easemob` on
    /// `host`'s port (a rehearsal: the bundled sample), like `target.emulator` for NIM.
    public var emulator: String?

    public init(host: String, org: String, app: String, clientID: String, clientSecretEnv: String) {
        self.host = host
        self.org = org
        self.app = app
        self.clientID = clientID
        self.clientSecretEnv = clientSecretEnv
    }

    init(reading node: inout ConfigNode) throws(ConfigError) {
        host = try node.string("host")
        try PipelineConfig.checkURL(host, path: node.child("host"))
        while host.hasSuffix("/") { host.removeLast() }
        org = try node.string("org")
        app = try node.string("app")
        clientID = try node.string("client_id")
        clientSecretEnv = try node.string("client_secret_env")
        guard clientSecretEnv.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
            throw ConfigError(
                path: node.child("client_secret_env"), "must name an environment variable, not hold the secret")
        }
        // Above Easemob's defaults only for an app whose quota Easemob raised (and for the benchmark).
        rate = try node.int("rate", default: 50, in: 1...10_000)
        blockRate = try node.int("block_rate", default: min(50, rate), in: 1...10_000)
        historyPerMinute = try node.int("history_per_minute", default: 10, in: 1...100_000)
        if let from = try node.optionalHour("history_from") {
            guard HourKey(from) != nil else {
                throw ConfigError(path: node.child("history_from"), "expected an hour as yyyyMMddHH, e.g. 2026112000")
            }
            historyFrom = from
        }
        if let zone = try node.optionalString("timezone") {
            guard let offset = Self.offset(zone) else {
                throw ConfigError(path: node.child("timezone"), "expected an offset like +08:00, -05:30 or UTC")
            }
            timezoneOffset = offset
        }
        attachments = try node.bool("attachments", default: true)
        outageWait = try node.int("outage_wait", default: 600, in: 1...86_400)
        emulator = try node.optionalString("emulator")
    }

    /// Seconds east of UTC for `+08:00`, `+8`, `-05:30`, `UTC`.
    static func offset(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if trimmed == "UTC" || trimmed == "Z" || trimmed == "GMT" { return 0 }
        guard let sign = trimmed.first, sign == "+" || sign == "-" else { return nil }
        let parts = trimmed.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let hours = Int(parts[0]), (0...14).contains(hours) else { return nil }
        let minutes = parts.count == 2 ? Int(parts[1]) : 0
        guard let minutes, (0..<60).contains(minutes) else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}

extension ConfigNode {
    /// An hour key, written as a number or a string (`2026112000` or `"2026112000"`).
    mutating func optionalHour(_ key: String) throws(ConfigError) -> String? {
        if let number = try? optionalInt64(key) { return String(number) }
        return try optionalString(key)
    }
}
