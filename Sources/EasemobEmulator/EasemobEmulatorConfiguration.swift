/// Everything an Easemob emulator instance is started with: the export folder it serves, the
/// app it pretends to be, its virtual clock, its retention rules, its rate limits and its faults.
///
/// The emulator plays Easemob's REST API (`/{org}/{app}/…`) over a saved export folder (the
/// layout of SPEC §4 "Source adapter easemob") so that `nim-migrate pull` can be rehearsed and
/// tested without Easemob. Defaults follow Easemob's documentation where it says something.
public struct EasemobEmulatorConfiguration: Sendable {
    /// The export folder served (users/, user-attributes/, contacts/, blocks/, chatgroups/,
    /// chatmessages/, files/).
    public var exportPath: String
    /// Address to bind.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks any free port (read it back from ``EasemobEmulatorServer/port``).
    public var port: Int = 0
    /// The organisation name in every URL (`{org}` of `/{org}/{app}/…`).
    public var org: String = "easemob-demo"
    /// The app name in every URL (`{app}` of `/{org}/{app}/…`).
    public var app: String = "chatdemoui"
    /// The app's internal UUID, returned as `application` by the token call and in envelopes.
    public var applicationID: String = "8be024f0-e978-11e8-b697-5d598d5f8402"
    /// The Client ID the token call accepts.
    public var clientID: String = "YXA6emulator"
    /// The Client Secret the token call accepts.
    public var clientSecret: String
    /// Lifetime in seconds of a token asked without `ttl` (Easemob's documented default is
    /// 60 days or the console's setting; 1,024,000 s is the documented example).
    public var tokenTTL: Int = 1_024_000
    /// Plays the quirk of Easemob's newer users-list example (响应示例二): the last page of
    /// `GET /users` still carries a `cursor`, and asking with it answers an empty page without one.
    public var lastPageCursor: Bool = false
    /// When set, no token lives longer than this many seconds, whatever the request asked
    /// (`ttl` 0, "never expires", included): a test makes tokens expire in the middle of a pull.
    public var tokenTTLCap: Int? = nil

    /// The virtual clock's start, Unix milliseconds; `nil`: the end of the newest hour file
    /// plus 26 hours (or the system clock when the export has no hour file). It advances with
    /// real time from the start, and `POST /_emulator/clock` moves it.
    public var nowMs: Int64? = nil
    /// The zone of the hour keys `yyyyMMddHH`, as an offset ("+08:00", "+8", "-05:30", "UTC").
    public var timezone: String = "+08:00"
    /// Hours of history kept: an hour starting earlier than this before now answers 400
    /// "…maybe chat message history is expired or unstored" (Easemob: 3 days).
    public var historyRetentionHours: Int = 72
    /// Hours after an hour's end before its file exists: a younger hour answers the same 400
    /// (Easemob generates the files with a delay and advises fetching a day later).
    public var generationDelayHours: Int = 2
    /// Lifetime in seconds of a signed history download URL (1800 s in Easemob's sample).
    public var signedURLTTL: Int = 1800
    /// Days an attachment is kept after the message referencing it (Easemob: 7).
    public var attachmentRetentionDays: Int = 7

    /// Calls per second of the account and group APIs (users, attributes, contacts, groups).
    public var userRate: Int = 100
    /// Calls per second of the blocklist API.
    public var blockRate: Int = 50
    /// Calls of the history API in any 60 seconds.
    public var historyPerMinute: Int = 10
    /// Calls per second of the chatfiles download API.
    public var fileRate: Int = 100
    /// Calls per second of the token API.
    public var tokenRate: Int = 300
    /// Calls per second of the unauthenticated downloads (`/_oss`, `/_files`); `nil`: unlimited.
    public var downloadRate: Int? = nil
    /// Families answering 429 `resource_limited` (the edition's quota) from the start.
    public var resourceLimited: Set<RateFamily> = []
    /// The signed history download with this ordinal (1 = the first) is cut short: it promises
    /// the full `Content-Length`, sends half and closes the connection.
    public var truncateDownload: Int? = nil
    /// Secret of the emulated object store's URL signatures (any value; fixed for tests).
    public var signingKey: String = "emulator-oss-key"

    /// A configuration with defaults for everything but the folder and the secret.
    public init(exportPath: String, clientSecret: String) {
        self.exportPath = exportPath
        self.clientSecret = clientSecret
    }
}
