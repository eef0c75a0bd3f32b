internal import Foundation

/// The one rule for every download of a reference the old app's users wrote (SPEC §5
/// "Untrusted addresses"): the files stage, avatars and icons, the Easemob adapter's attachments,
/// `serve` and `pull` all fetch through ``SafeDownloader``, which asks this.
///
/// Design note (after Stripe's smokescreen and Doyensec's safeurl): a decision is made in two
/// steps on values, never on a string a second parser reads differently. ``screen(_:)`` reads the
/// URL once — scheme, host (every numeric spelling of an address read as that address), port,
/// path — and rebuilds the URL the client will request from those parts; ``admit(_:addresses:)``
/// judges the addresses the host resolved to. The downloader then connects to the address that
/// was admitted, so no second DNS answer can change where the request goes.
public struct URLPolicy: Sendable, Equatable {
    public var allow: AllowList

    public init(allow: AllowList = AllowList()) {
        self.allow = allow
    }

    /// A URL read into the parts a request is made from.
    public struct Target: Sendable, Equatable {
        /// `http` or `https`.
        public var scheme: String
        /// The host: a name (lower-case, no trailing dot) or an address.
        public var host: Host
        public var port: Int?
        /// Path and query as they were encoded, `/` when empty.
        public var requestURI: String

        /// A host name, or an address written in the URL.
        public enum Host: Sendable, Equatable {
            case name(String)
            case address(IPAddress)
        }

        /// The host as reports name it.
        public var hostText: String {
            switch host {
            case .name(let name): name
            case .address(let address): address.description
            }
        }

        /// The URL the client requests: the host as read (an address in its canonical form).
        public var url: String {
            let authority: String
            switch host {
            case .name(let name): authority = name
            case .address(let address): authority = address.urlHost
            }
            return "\(scheme)://\(authority)\(port.map { ":\($0)" } ?? "")\(requestURI)"
        }
    }

    /// Reads `reference` as an http(s) URL; refuses any other scheme, a host that is no valid
    /// name or address, an address that is not public and not allowed, and `localhost`.
    public func screen(_ reference: String) -> Result<Target, URLRefusal> {
        let scheme = reference.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        guard scheme == "http" || scheme == "https", reference.contains("://") else {
            return .failure(URLRefusal(reference: reference, host: reference, reason: .scheme(scheme)))
        }
        guard let components = URLComponents(string: reference), let rawHost = components.percentEncodedHost,
            !rawHost.isEmpty
        else {
            return .failure(URLRefusal(reference: reference, host: reference, reason: .invalidHost))
        }
        let host: Target.Host
        switch IPAddress.literal(rawHost) {
        case .invalid: return .failure(URLRefusal(reference: reference, host: rawHost, reason: .invalidHost))
        case .address(let address): host = .address(address)
        case .name(let name):
            guard name.allSatisfy(AllowList.isHostCharacter), !name.hasPrefix("."), !name.contains("..") else {
                return .failure(URLRefusal(reference: reference, host: rawHost, reason: .invalidHost))
            }
            host = .name(name)
        }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        let target = Target(scheme: scheme, host: host, port: components.port, requestURI: path)
        switch host {
        case .address(let address):
            if let refusal = judge(address, target: target, reference: reference) { return .failure(refusal) }
        case .name(let name) where !allow.allows(name: name) && Self.isLocalhost(name):
            return .failure(
                URLRefusal(reference: reference, host: name, reason: .notPublic(.loopback, address: name)))
        case .name: break
        }
        return .success(target)
    }

    /// The address to connect to for `target`, whose host resolved to `addresses`: a name the
    /// allow list names may have any address; otherwise every address must be public or in an
    /// allowed network (one private answer among public ones is refused: a client may pick it).
    public func admit(_ target: Target, addresses: [IPAddress], reference: String) -> Result<IPAddress, URLRefusal> {
        guard let first = addresses.first else {
            return .failure(URLRefusal(reference: reference, host: target.hostText, reason: .invalidHost))
        }
        if case .name(let name) = target.host, allow.allows(name: name) { return .success(first) }
        for address in addresses {
            if let refusal = judge(address, target: target, reference: reference) { return .failure(refusal) }
        }
        return .success(first)
    }

    private func judge(_ address: IPAddress, target: Target, reference: String) -> URLRefusal? {
        let scope = AddressScope(address)
        guard !scope.isPublic, !allow.allows(address: address) else { return nil }
        return URLRefusal(
            reference: reference, host: target.hostText, reason: .notPublic(scope, address: address.description))
    }

    /// `localhost` and every name under it (RFC 6761): loopback without asking a resolver.
    static func isLocalhost(_ name: String) -> Bool {
        name == "localhost" || name.hasSuffix(".localhost")
    }
}
