internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// An IPv4 or IPv6 address as numbers, parsed from every spelling a URL parser or the C
/// library's resolver accepts for it, and classified by what it reaches (``AddressScope``).
///
/// Design note: an attacker who writes a URL chooses its spelling. `http://2130706433/`,
/// `http://0x7f.1/`, `http://127.1/` and `http://017700000001/` all reach 127.0.0.1 through
/// `inet_aton` (which `getaddrinfo` uses for numeric hosts) and through the WHATWG URL parser,
/// so a host is read here with the same rules (1–4 parts, each decimal, `0x` hex or `0` octal;
/// the last part fills the remaining bytes) before anything decides about it.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    /// Sixteen bytes, network order.
    case v6([UInt8])

    /// A URL host read as an address, or nil when it is a name. A bracketed or bare IPv6
    /// literal and every IPv4 spelling of ``parseIPv4(_:)`` are addresses; a host that ends in a
    /// number but is no valid address is ``Literal/invalid``.
    public enum Literal: Equatable, Sendable {
        case address(IPAddress)
        case name(String)
        case invalid
    }

    /// Reads a URL's host (brackets allowed) as an address or a name (lower-cased, without a
    /// trailing dot).
    public static func literal(_ host: String) -> Literal {
        var text = host.lowercased()
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { return .invalid }
            text = String(text.dropFirst().dropLast())
            return parseIPv6(text).map { .address($0) } ?? .invalid
        }
        if text.contains(":") { return parseIPv6(text).map { .address($0) } ?? .invalid }
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty else { return .invalid }
        if let v4 = parseIPv4(text) { return .address(v4) }
        // WHATWG: a host whose last label is a number is an IPv4 address or an error, never a name.
        let last = text.split(separator: ".", omittingEmptySubsequences: false).last ?? ""
        if !last.isEmpty, last.allSatisfy(\.isNumber) || Self.isHexNumber(last) { return .invalid }
        return .name(text)
    }

    /// IPv4 in any of `inet_aton`'s forms: `a.b.c.d`, `a.b.c`, `a.b`, `a`, each part decimal,
    /// `0x` hexadecimal or `0`-prefixed octal.
    public static func parseIPv4(_ text: String) -> IPAddress? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = number(part) else { return nil }
            numbers.append(number)
        }
        var value: UInt64 = 0
        for (index, number) in numbers.enumerated() {
            if index < numbers.count - 1 {
                guard number <= 255 else { return nil }
                value |= number << (8 * UInt64(3 - index))
            } else {
                let room = 8 * UInt64(4 - index)
                guard room == 32 ? number <= UInt64(UInt32.max) : number < (1 << room) else { return nil }
                value |= number
            }
        }
        return .v4(UInt32(value))
    }

    /// An IPv6 literal (without brackets; no zone index: `fe80::1%eth0` is refused as invalid).
    public static func parseIPv6(_ text: String) -> IPAddress? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let ok = bytes.withUnsafeMutableBytes { buffer in inet_pton(AF_INET6, text, buffer.baseAddress) == 1 }
        return ok ? .v6(bytes) : nil
    }

    /// An address in the strict textual forms (`10.2.0.1`, `::1`), as in a pipeline's `files.allow`.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let address = Self.parseIPv6(text) else { return nil }
            self = address
            return
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }),
            let address = Self.parseIPv4(text)
        else { return nil }
        self = address
    }

    private static func isHexNumber(_ part: Substring) -> Bool {
        let lower = part.lowercased()
        return lower.hasPrefix("0x") && lower.dropFirst(2).allSatisfy(\.isHexDigit)
    }

    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            return digits.isEmpty ? 0 : (digits.count <= 16 ? UInt64(digits, radix: 16) : nil)
        }
        if lower.count > 1, lower.hasPrefix("0") {
            return lower.count <= 22 ? UInt64(lower.dropFirst(), radix: 8) : nil
        }
        return lower.count <= 20 ? UInt64(lower, radix: 10) : nil
    }

    /// The address family's width in bits.
    public var bits: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    /// The canonical text: dotted quad, or RFC 5952 IPv6 (`::1`).
    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (8 * UInt32(3 - $0))) & 0xff) }.joined(separator: ".")
        case .v6(let bytes):
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let ok = bytes.withUnsafeBytes { buffer in
                inet_ntop(AF_INET6, buffer.baseAddress, &text, socklen_t(INET6_ADDRSTRLEN)) != nil
            }
            return ok ? String(cString: text) : "::"
        }
    }

    /// How a URL names this address as its host: brackets around IPv6.
    public var urlHost: String {
        switch self {
        case .v4: description
        case .v6: "[\(description)]"
        }
    }

    /// Whether the first `length` bits of this address equal those of `network` (same family).
    public func isIn(_ network: IPAddress, length: Int) -> Bool {
        switch (self, network) {
        case (.v4(let a), .v4(let b)):
            guard length > 0 else { return true }
            let mask: UInt32 = length >= 32 ? .max : ~(UInt32.max >> UInt32(length))
            return a & mask == b & mask
        case (.v6(let a), .v6(let b)):
            var left = max(0, min(length, 128))
            for index in 0..<16 where left > 0 {
                let take = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - take))
                if a[index] & mask != b[index] & mask { return false }
                left -= take
            }
            return true
        default:
            return false
        }
    }
}
