/// Why one call of the tool did not succeed — a NIM call, a download of a source file, or a step
/// of the tool itself — with what a caller may do about it. The one failure type of the stages:
/// ``ItemOutcome/failed(_:)`` carries it to the state database and the reports.
///
/// For a NIM call: NIM's `code` and `desc` (or the HTTP status, or 0 for a transport failure) and
/// the endpoint. For a download: the HTTP status (0 when none) and the URL or path. For the tool:
/// code 0 and what went wrong, with the underlying error's own text when there was one.
public struct CallFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which kind of call failed.
    public enum Kind: String, Sendable, Equatable {
        /// A REST call to NIM.
        case nim
        /// Reading a source file: a download or a file of the export.
        case download
        /// A step of the tool: an unreadable work item, a missing prerequisite, the state database.
        case local
    }

    public var kind: Kind
    /// NIM's status code (e.g. 414, 416, 803), an HTTP status, or 0 for a transport failure.
    public var code: Int
    public var desc: String
    /// The NIM endpoint, or the URL or path that was read; empty for a step of the tool.
    public var endpoint: String
    /// Trying again later may succeed (416, 5xx, timeouts).
    public var retryable: Bool
    /// The call may have taken effect although no answer said so (a timeout after sending).
    public var ambiguous: Bool
    /// What is wrong is the run, not the call's item (credentials refused, the target gone for
    /// longer than `target.outage_wait`): the item stays pending and the run stops.
    public var halt: RunHalt?
    /// Why the reference was not fetched at all (SPEC §5 "Untrusted addresses"): not a failure
    /// of the item, a `url-refused` warning.
    public var refusal: URLRefusal?
    /// The text of the error this failure was made from, when it wraps one (for logs and tests;
    /// `desc` is what reports show).
    public var underlying: String?

    public init(
        code: Int, desc: String, endpoint: String, retryable: Bool = false, ambiguous: Bool = false,
        kind: Kind = .nim
    ) {
        self.kind = kind
        self.code = code
        self.desc = desc
        self.endpoint = endpoint
        self.retryable = retryable
        self.ambiguous = ambiguous
    }

    /// A failure of the tool's own step (code 0).
    public static func local(_ desc: String, retryable: Bool = false) -> CallFailure {
        CallFailure(code: 0, desc: desc, endpoint: "", retryable: retryable, kind: .local)
    }

    /// A failure of the tool's own step made from a Swift error (a state-database error, say):
    /// retryable, since the item was not done and nothing says it cannot be.
    public static func local(_ error: any Error, retryable: Bool = true) -> CallFailure {
        if let failure = error as? CallFailure { return failure }
        var failure = CallFailure.local(String(describing: error), retryable: retryable)
        failure.underlying = String(reflecting: error)
        return failure
    }

    /// A failure to read a source file (`reference`: its URL or path).
    public static func download(_ reference: String, code: Int = 0, _ desc: String, retryable: Bool) -> CallFailure {
        CallFailure(code: code, desc: desc, endpoint: reference, retryable: retryable, kind: .download)
    }

    /// A reference the tool refuses to fetch (never retryable).
    public static func refused(_ refusal: URLRefusal, reference: String) -> CallFailure {
        var failure = CallFailure.download(reference, refusal.description, retryable: false)
        failure.refusal = refusal
        return failure
    }

    /// A work item whose payload cannot be decoded (a bug or a damaged state database).
    public static let unreadableItem = CallFailure.local("unreadable work item")

    public var description: String { endpoint.isEmpty ? "\(code) \(desc)" : "\(endpoint): \(code) \(desc)" }

    /// NIM's frequency-control answer.
    public var isThrottled: Bool { code == 416 }

    /// The call's task was cancelled while it waited (the run is stopping): it may be retried.
    static func cancelled(endpoint: String) -> CallFailure {
        CallFailure(code: 0, desc: "cancelled", endpoint: endpoint, retryable: true)
    }

    /// The error every call gets once the run is halted.
    static func halting(_ halt: RunHalt, endpoint: String) -> CallFailure {
        var error = CallFailure(code: 0, desc: halt.description, endpoint: endpoint, retryable: true)
        error.halt = halt
        return error
    }

    /// A failure of the target itself, not of the request: no connection, no answer, a 5xx.
    var isTargetFailure: Bool { code == 0 || code >= 500 }

    /// Why NIM refused the request's credentials, when it did: 414 `checksum`, `appkey` or
    /// `CurTime is expired` (the descs NIM gives, see `reference/nim-server-api.md` §1), 403
    /// `app is forbidden`; nil for any other answer.
    static func credentialsRefusal(code: Int, desc: String) -> String? {
        let text = desc.lowercased()
        switch code {
        case 414 where text == "checksum" || text.contains("checksum"):
            return "NIM refused the CheckSum: the AppSecret is wrong (check the environment variable named by "
                + "target.app_secret_env)"
        case 414 where text == "appkey" || text.contains("appkey"):
            return "NIM refused the AppKey (check target.appkey and that the endpoint is the app's data centre)"
        case 414 where text.contains("curtime"):
            return "NIM refused CurTime (\(desc)): this machine's clock is off by more than 5 minutes — sync it (NTP)"
        case 403 where text.contains("forbidden"):
            return "NIM refused the app (\(desc)): it is suspended in the console"
        default:
            return nil
        }
    }
}
