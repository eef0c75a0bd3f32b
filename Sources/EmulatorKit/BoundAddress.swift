/// Where an emulator listens: the configured host and port until the socket is bound, then the
/// port actually bound (port 0 picks a free one).
public final class BoundAddress: Sendable {
    /// The configured host.
    public let host: String
    /// The configured port (0: a free one).
    public let configuredPort: Int
    private let bound: LockedBox<Int?>

    public init(host: String, port: Int) {
        self.host = host
        configuredPort = port
        bound = LockedBox(nil)
    }

    /// `http://HOST:PORT` of the listening socket, or of the configuration before binding.
    public var baseURL: String { Self.baseURL(host: host, port: bound.value ?? configuredPort) }

    /// Records the port actually bound.
    public func didBind(port: Int) {
        bound.value = port
    }

    /// `http://HOST:PORT` a client can connect to.
    public static func baseURL(host: String, port: Int) -> String { "http://\(reachableHost(host)):\(port)" }

    /// A host a client can connect to: the loopback address for a wildcard bind.
    public static func reachableHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "", "::": return "127.0.0.1"
        default: return host.contains(":") ? "[\(host)]" : host
        }
    }
}
