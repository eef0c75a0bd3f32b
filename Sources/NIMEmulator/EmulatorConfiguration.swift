/// Everything a NIM emulator instance is started with: where it listens, where it keeps its
/// state, which credentials it accepts, and how badly it behaves (latency, faults, quota).
public struct EmulatorConfiguration: Sendable {
    /// Address to bind.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks any free port (read it back from ``EmulatorServer/port``).
    public var port: Int = 18080
    /// SQLite file holding all state; `nil` keeps the state in memory.
    public var statePath: String? = nil
    /// The AppKey every call must carry; `nil` accepts any AppKey (the secret is still checked).
    public var appKey: String? = nil
    /// The AppSecret every CheckSum is verified against.
    public var appSecret: String
    /// Added delay per API request, uniformly drawn from this range of milliseconds (after the
    /// rate gate counted it: the time NIM takes to answer).
    public var latencyMs: ClosedRange<Int>? = nil
    /// The network's jitter: each API request waits a uniform 0…N ms *before* the rate gate counts
    /// it, so arrivals reorder and bunch as on a real network (0: off; `POST /_emulator/jitter`).
    public var arrivalJitterMs: Int = 0
    /// The largest ``arrivalJitterMs`` taken (10 s).
    public static let maxArrivalJitterMs = 10_000
    /// Fraction of API requests answered with HTTP 500 or 503 (no state change).
    public var faultRate: Double = 0
    /// Fraction of API requests whose connection is closed with no response (no state change).
    public var dropRate: Double = 0
    /// Fraction of responses whose body is sent slowly (a pause of ``stallMs`` mid-body).
    public var stallRate: Double = 0
    /// Length of the mid-body pause of a stalled response, in milliseconds.
    public var stallMs: Int = 2000
    /// API calls accepted in any sliding one-second window; beyond that the answer is 416.
    public var limit: Int = 100
    /// After a 416, every API call answers 416 for this long, in milliseconds (real NIM: 10000).
    public var penaltyMs: Int = 0
    /// Seed of the generator behind fault injection and issued tokens.
    public var seed: UInt64 = 1
    /// When set, `GET /_files/:id` answers 401 unless the request carries `share-secret` with this
    /// value: the emulator then also plays an old CDN with restricted files (Easemob's chatfiles).
    public var fileSecret: String? = nil
    /// When set, `GET /_cdn/NAME` serves the file NAME of this folder: an old CDN for a generated
    /// export's attachments (`generate-sample --attachment-base`).
    public var cdnDirectory: String? = nil

    /// How long after sending a message may be recalled without `ignoreTime` (NIM's default: 2 minutes).
    public var recallWindowMs: Int64 = 120_000
    /// What `friend/delete.action` ends: NIM's reference lists the call's parameters only, so both
    /// readings are played (``FriendDelete``).
    public var friendDelete: FriendDelete = .both

    /// The two readings of `friend/delete.action` (reference §2.5 does not say which NIM does).
    public enum FriendDelete: String, Sendable, CaseIterable {
        /// Only `accid → faccid`; `faccid` keeps `accid` as a friend.
        case oneWay = "one-way"
        /// The friendship in both directions.
        case both
    }

    /// A configuration with defaults for everything but the secret.
    public init(appSecret: String) {
        self.appSecret = appSecret
    }
}
