/// A pipeline file (SPEC §3), validated and typed.
///
/// Built by ``PipelineConfig/load(path:)``; every default the SPEC names is applied here so that
/// the rest of the tool never sees an optional it has to guess about.
public struct PipelineConfig: Sendable, Equatable {
    /// Name of the pipeline; state goes to `state/NAME.sqlite` and `state/NAME/`.
    public var name: String
    public var source: Source
    public var target: Target
    public var throttle: Throttle
    /// REST calls in flight at most.
    public var concurrency: Int
    /// The stages this pipeline runs, always in the documented order.
    public var stages: [StageID]
    public var history: History
    public var users: Users
    public var groups: Groups
    public var sessions: Sessions
    public var files: Files = Files()
    public var serve: Serve?

    /// Where the export comes from.
    public struct Source: Sendable, Equatable {
        public var format: SourceFormat
        public var path: String
        /// Where `nim-migrate pull` copies the source from (Easemob's REST API), when set.
        public var pull: EasemobPullConfig?
    }

    /// A source format the tool reads: `canonical`, or a vendor's in ``SourceFormats``.
    public struct SourceFormat: RawRepresentable, Hashable, Sendable {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        /// The built-in format (SPEC §4): read as it is, no vendor.
        public static let canonical = SourceFormat(rawValue: "canonical")
    }

    /// The NIM application written to.
    public struct Target: Sendable, Equatable {
        public var endpoint: String
        public var v2Endpoint: String?
        public var appKey: String
        /// Name of the environment variable holding the AppSecret (never the secret itself).
        public var appSecretEnv: String
        /// Whether `make migrate` starts a local emulator for this target.
        public var emulator: Bool
        /// Seconds a run waits for a target that stopped answering before it stops (exit 3).
        public var outageWait: Int = 600
    }

    /// The shared token bucket.
    public struct Throttle: Sendable, Equatable {
        /// REST calls per second, all endpoints together.
        public var rate: Int
        /// Milliseconds by which the network may deliver one call later than another (NIM counts
        /// calls by their arrival): no second of NIM's clock holds more than `rate` calls while
        /// every call's delay to NIM stays within this spread. The pace is
        /// `rate / (1 s + jitter)` at most — 95.2/s at 100/s and the default 50 ms.
        public var jitterMs: Int = 50
    }

    /// History import options.
    public struct History: Sendable, Equatable {
        /// Written to the manifest for NIM's import.
        public var roaming: Bool
    }

    /// Users stage options.
    public struct Users: Sendable, Equatable {
        /// Optional CSV of `old,new` accid renames.
        public var accidMap: String?
    }

    /// Groups stage options.
    public struct Groups: Sendable, Equatable {
        /// The app's team size cap (NIM console; 200 unless raised there): no team is created
        /// larger, and members beyond it are reported.
        public var memberLimit: Int
    }

    /// Sessions stage options.
    public struct Sessions: Sendable, Equatable {
        public var limit: Int
        public var createConversations: Bool
    }

    /// Where source files may be fetched from (SPEC §5 "Untrusted addresses").
    public struct Files: Sendable, Equatable {
        /// Non-public hosts attachments, avatars and icons may come from: names, `*.suffix`,
        /// networks and addresses.
        public var allow = AllowList()

        /// The rule every download of this pipeline follows.
        public var policy: URLPolicy { URLPolicy(allow: allow) }
    }

    /// Dual-running options (SPEC §7).
    public struct Serve: Sendable, Equatable {
        public var listen: String
        public var tokenEnv: String
        public var cutoff: Int64
        public var oldServerURL: String?
        /// Seconds a message or event waits for the user, group or friendship it needs (default 600).
        public var dependencyWait: Int = 600
    }

    /// Path of the state database, relative to the working directory.
    public var statePath: String { "state/\(name).sqlite" }

    /// Folder of reports and output files, relative to the working directory.
    public var outputDirectory: String { "state/\(name)" }
}
