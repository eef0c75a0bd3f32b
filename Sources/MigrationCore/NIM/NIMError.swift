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
}
