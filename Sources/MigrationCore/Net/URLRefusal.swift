/// Why a reference written by the old app's users is not fetched (SPEC §5 "Untrusted
/// addresses"): reported as a `url-refused` warning with the host or path and this reason; the
/// message keeps its old URL, the account or team is created without its avatar or icon.
public struct URLRefusal: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The reason, as a value.
    public enum Reason: Sendable, Equatable, Codable {
        /// A scheme other than http and https (`ftp:`, `gopher:`, `file:` outside the export…).
        case scheme(String)
        /// A host no address or name can be read from (`1.2.3.4.5`, a zone index, odd characters).
        case invalidHost
        /// The host is or resolves to an address that is not public, and `files.allow` does not
        /// list it: the scope and the address.
        case notPublic(AddressScope, address: String)
        /// A local path that leaves the export folder (`../../etc/passwd`, a symbolic link out).
        case leavesExport
        /// A redirect chain longer than the fetcher follows.
        case tooManyRedirects
    }

    /// The URL or path as written.
    public var reference: String
    /// The host (or the path) the decision was about.
    public var host: String
    public var reason: Reason

    public init(reference: String, host: String, reason: Reason) {
        self.reference = reference
        self.host = host
        self.reason = reason
    }

    /// The reason alone, in words: "loopback", "private network", "scheme ftp is not fetched".
    public var why: String {
        switch reason {
        case .scheme(let scheme): "only http and https are fetched, not \(scheme.isEmpty ? "a bare path" : scheme)"
        case .invalidHost: "not a valid host"
        case .notPublic(let scope, let address): address == host ? scope.rawValue : "\(scope.rawValue) (\(address))"
        case .leavesExport: "the path leaves the export folder"
        case .tooManyRedirects: "more than 5 redirects"
        }
    }

    public var description: String {
        switch reason {
        case .leavesExport: "url-refused: path \(host): \(why)"
        default: "url-refused: host \(host): \(why)"
        }
    }
}
