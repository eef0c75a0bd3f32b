internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Turns a host name into its addresses: the one lookup whose answer ``URLPolicy`` judges and
/// ``SafeDownloader`` connects to. Injected, so a test can answer differently on each lookup.
public protocol HostResolver: Sendable {
    /// The addresses of `name`; an error when it has none.
    func resolve(_ name: String) async throws -> [IPAddress]
}

/// The system's resolver (`getaddrinfo`: `/etc/hosts`, DNS), run off the cooperative threads.
public struct SystemResolver: HostResolver {
    public init() {}

    /// A name with no address.
    public struct Unresolved: Error, CustomStringConvertible {
        public var name: String
        public var cause: String
        public var description: String { "cannot resolve \(name): \(cause)" }
    }

    public func resolve(_ name: String) async throws -> [IPAddress] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.lookUp(name) })
            }
        }
    }

    private static func lookUp(_ name: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw Unresolved(name: name, cause: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            if let address = Self.address(entry.pointee), !addresses.contains(address) { addresses.append(address) }
            next = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw Unresolved(name: name, cause: "no address") }
        return addresses
    }

    private static func address(_ info: addrinfo) -> IPAddress? {
        guard let raw = info.ai_addr else { return nil }
        switch info.ai_family {
        case AF_INET:
            return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                .v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr))
            }
        case AF_INET6:
            return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                var storage = $0.pointee.sin6_addr
                return .v6(withUnsafeBytes(of: &storage) { Array($0) })
            }
        default:
            return nil
        }
    }
}
