/// A NIM call that did not succeed: NIM's `code` and `desc` (or the HTTP status, or a transport
/// failure as code 0), the endpoint, and what a caller may do about it.
public struct NIMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// NIM's status code (e.g. 414, 416, 803), an HTTP status, or 0 for a transport failure.
    public var code: Int
    public var desc: String
    public var endpoint: String
    /// Trying again later may succeed (416, 5xx, timeouts).
    public var retryable: Bool
    /// The call may have taken effect although no answer said so (a timeout after sending).
    public var ambiguous: Bool
    /// What is wrong is the run, not the call's item (credentials refused, the target gone for
    /// longer than `target.outage_wait`): the item stays pending and the run stops.
    public var halt: RunHalt?

    public init(code: Int, desc: String, endpoint: String, retryable: Bool = false, ambiguous: Bool = false) {
        self.code = code
        self.desc = desc
        self.endpoint = endpoint
        self.retryable = retryable
        self.ambiguous = ambiguous
    }

    public var description: String { "\(endpoint): \(code) \(desc)" }

    /// NIM's frequency-control answer.
    public var isThrottled: Bool { code == 416 }

    /// The call's task was cancelled while it waited (the run is stopping): it may be retried.
    static func cancelled(endpoint: String) -> NIMError {
        NIMError(code: 0, desc: "cancelled", endpoint: endpoint, retryable: true)
    }

    /// The error every call gets once the run is halted.
    static func halting(_ halt: RunHalt, endpoint: String) -> NIMError {
        var error = NIMError(code: 0, desc: halt.description, endpoint: endpoint, retryable: true)
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
