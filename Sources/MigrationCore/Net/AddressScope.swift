/// What an address reaches, from the IANA special-purpose registries: only ``public`` is
/// fetched from without the operator's say-so (`files.allow`).
///
/// IPv6 forms that carry an IPv4 address — IPv4-mapped `::ffff:a.b.c.d`, the old IPv4-compatible
/// `::a.b.c.d`, NAT64's `64:ff9b::/96` and 6to4's `2002::/16` — are judged by the IPv4 address
/// inside them, since a dual-stack socket, a NAT64 gateway or a 6to4 relay delivers them there.
public enum AddressScope: String, Sendable, Equatable, Codable {
    case `public`
    case loopback
    case privateNetwork = "private network"
    case linkLocal = "link-local"
    case shared = "shared address space"
    case multicast
    case unspecified
    case broadcast
    /// Documentation, benchmarking, protocol-assignment and future-use ranges: never a real server.
    case reserved

    /// Whether the address is ordinary public unicast.
    public var isPublic: Bool { self == .public }

    /// The scope of `address`.
    public init(_ address: IPAddress) {
        switch address {
        case .v4(let value): self = Self.v4(value)
        case .v6(let bytes): self = Self.v6(bytes)
        }
    }

    private static let v4Ranges: [(UInt32, Int, AddressScope)] = [
        (0x0000_0000, 32, .unspecified),  // 0.0.0.0
        (0x0000_0000, 8, .reserved),  // 0/8 "this network"
        (0x7f00_0000, 8, .loopback),  // 127/8
        (0x0a00_0000, 8, .privateNetwork),  // 10/8
        (0xac10_0000, 12, .privateNetwork),  // 172.16/12
        (0xc0a8_0000, 16, .privateNetwork),  // 192.168/16
        (0xa9fe_0000, 16, .linkLocal),  // 169.254/16 (cloud metadata services live here)
        (0x6440_0000, 10, .shared),  // 100.64/10 (carrier-grade NAT)
        (0xc000_0000, 24, .reserved),  // 192.0.0/24 IETF protocol assignments
        (0xc000_0200, 24, .reserved),  // 192.0.2/24 TEST-NET-1
        (0xc633_6400, 24, .reserved),  // 198.51.100/24 TEST-NET-2
        (0xcb00_7100, 24, .reserved),  // 203.0.113/24 TEST-NET-3
        (0xc612_0000, 15, .reserved),  // 198.18/15 benchmarking
        (0xc058_6300, 24, .reserved),  // 192.88.99/24 6to4 relay anycast (deprecated)
        (0xe000_0000, 4, .multicast),  // 224/4
        (0xffff_ffff, 32, .broadcast),  // 255.255.255.255
        (0xf000_0000, 4, .reserved),  // 240/4 future use
    ]

    private static func v4(_ value: UInt32) -> AddressScope {
        for (network, length, scope) in v4Ranges where IPAddress.v4(value).isIn(.v4(network), length: length) {
            return scope
        }
        return .public
    }

    private static func v6(_ bytes: [UInt8]) -> AddressScope {
        let address = IPAddress.v6(bytes)
        func within(_ prefix: [UInt8], _ length: Int) -> Bool {
            address.isIn(.v6(prefix + [UInt8](repeating: 0, count: 16 - prefix.count)), length: length)
        }
        func embedded(at offset: Int) -> AddressScope {
            let value = bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return v4(value)
        }
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
        if within([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96) { return embedded(at: 12) }  // ::ffff:0:0/96
        if within([], 96) { return embedded(at: 12) }  // ::a.b.c.d (IPv4-compatible, deprecated)
        if within([0, 0x64, 0xff, 0x9b], 96) { return embedded(at: 12) }  // 64:ff9b::/96 NAT64
        if within([0, 0x64, 0xff, 0x9b, 0, 1], 48) { return .privateNetwork }  // 64:ff9b:1::/48 local NAT64
        if within([0x20, 0x02], 16) { return embedded(at: 2) }  // 2002::/16 6to4
        if within([0xfc], 7) { return .privateNetwork }  // fc00::/7 unique local
        if within([0xfe, 0x80], 10) { return .linkLocal }  // fe80::/10
        if within([0xfe, 0xc0], 10) { return .privateNetwork }  // fec0::/10 site-local (deprecated)
        if within([0xff], 8) { return .multicast }  // ff00::/8
        if within([0x20, 0x01, 0x0d, 0xb8], 32) { return .reserved }  // 2001:db8::/32 documentation
        if within([0x20, 0x01, 0, 0], 32) { return .reserved }  // 2001::/32 Teredo
        if within([0x01, 0, 0, 0, 0, 0, 0, 0], 64) { return .reserved }  // 100::/64 discard-only
        if within([0x20, 0x01, 0, 0x20], 28) { return .reserved }  // 2001:20::/28 ORCHIDv2
        return .public
    }
}
