/// Where NIM calls go: the scheme, host and port of `target.endpoint` (or `v2_endpoint`), and the
/// path every request's path is appended to. Parsed once, when the client is made, not per call.
struct HTTPOrigin: Sendable, Hashable {
    var tls: Bool
    var host: String
    var port: Int
    /// The endpoint's path, without a trailing slash (`/nimserver`, or empty).
    var basePath: String

    /// `http://host[:port][/path]` or `https://…`; nil for anything else (the pipeline's loader
    /// has said why already: this only guards the client).
    init?(_ endpoint: String) {
        let lower = endpoint.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            tls = true
            rest = endpoint.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            tls = false
            rest = endpoint.dropFirst(7)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var path = String(rest.dropFirst(authority.count).prefix { $0 != "?" && $0 != "#" })
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        if authority.hasPrefix("[") {
            // An IPv6 literal: [::1]:8080.
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            guard let port = Self.port(after, tls: tls) else { return nil }
            self.port = port
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let port = Self.port(authority[colon...], tls: tls) else { return nil }
            self.port = port
        } else {
            host = String(authority)
            port = tls ? 443 : 80
        }
        guard !host.isEmpty else { return nil }
    }

    /// `:8080` → 8080; empty → the scheme's default.
    private static func port(_ text: Substring, tls: Bool) -> Int? {
        if text.isEmpty { return tls ? 443 : 80 }
        guard text.first == ":", let port = Int(text.dropFirst()), (1...65535).contains(port) else { return nil }
        return port
    }

    /// The `Host` header: the host, and the port when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (tls ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Whether `other` is the same scheme, host and port (whatever the path).
    func sameServer(as other: HTTPOrigin) -> Bool {
        tls == other.tls && host.lowercased() == other.host.lowercased() && port == other.port
    }

    /// Whether the host is an address literal (TLS sends no server name for one).
    var hostIsAddress: Bool {
        host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }
}
