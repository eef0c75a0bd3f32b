internal import Foundation

/// The hosts an operator lets the tool fetch from although they are not public (`files.allow`,
/// SPEC §3 and §5 "Untrusted addresses"): a host name (`cdn.acme.com`), every name under a suffix
/// (`*.acme-cdn.com`), a network (`10.2.0.0/16`, `fd00::/8`), or one address (`10.2.0.7`).
public struct AllowList: Sendable, Equatable {
    /// One entry of the list.
    public enum Entry: Sendable, Equatable {
        case name(String)
        /// Names ending in `.suffix` (the suffix itself is not included).
        case suffix(String)
        case network(IPAddress, length: Int)
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Reads the entries; the error names the first entry that is none of the forms.
    public init(_ texts: [String]) throws(AllowListError) {
        for (index, text) in texts.enumerated() {
            guard let entry = Self.entry(text) else { throw AllowListError(index: index, text: text) }
            entries.append(entry)
        }
    }

    /// Adds an entry.
    mutating func append(_ entry: Entry) {
        entries.append(entry)
    }

    /// Adds a name (the pull's own REST host, say).
    public mutating func allow(name: String) {
        entries.append(.name(Self.normalized(name)))
    }

    /// Whether the host name `name` (lower-case, no trailing dot) is listed by name or suffix.
    public func allows(name: String) -> Bool {
        entries.contains { entry in
            switch entry {
            case .name(let listed): listed == name
            case .suffix(let suffix): name.hasSuffix("." + suffix)
            case .network: false
            }
        }
    }

    /// Whether `address` lies in a listed network or is a listed address.
    public func allows(address: IPAddress) -> Bool {
        entries.contains { entry in
            guard case .network(let network, let length) = entry else { return false }
            return address.isIn(network, length: length)
        }
    }

    private static func normalized(_ name: String) -> String {
        var text = name.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    private static func entry(_ raw: String) -> Entry? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if let slash = text.firstIndex(of: "/") {
            guard let address = IPAddress(String(text[..<slash])),
                let length = Int(text[text.index(after: slash)...]), (0...address.bits).contains(length)
            else { return nil }
            return .network(address, length: length)
        }
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if let address = IPAddress(bare) { return .network(address, length: address.bits) }
        let name = normalized(text)
        let label = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
        guard !label.isEmpty, label.allSatisfy(Self.isHostCharacter), !label.hasPrefix("."), !label.contains("..")
        else { return nil }
        if case .invalid = IPAddress.literal(label) { return nil }
        return name.hasPrefix("*.") ? .suffix(label) : .name(label)
    }

    /// Letters, digits, `-`, `_` and `.`: what a host name in a URL the tool fetches may hold.
    static func isHostCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character))
    }
}

/// An entry of `files.allow` that is no host name, `*.suffix`, network or address.
public struct AllowListError: Error, Equatable, CustomStringConvertible {
    public var index: Int
    public var text: String
    public var description: String {
        "'\(text)' is not a host name, *.suffix, CIDR network or address"
    }
}
