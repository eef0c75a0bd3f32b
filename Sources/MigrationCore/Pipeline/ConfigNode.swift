internal import Yams

/// A strict, path-aware reader over one YAML mapping of a pipeline file.
///
/// Every key a caller reads is remembered; ``finish()`` rejects the keys nobody asked for, so an
/// unknown (often misspelt) key is an error naming its path instead of a silently ignored line.
struct ConfigNode {
    let path: String
    private let mapping: Node.Mapping
    private var consumed: Set<String> = []

    init(_ node: Node, path: String) throws(ConfigError) {
        guard case .mapping(let mapping) = node else {
            throw ConfigError(path: path, "expected a mapping of keys")
        }
        self.path = path
        self.mapping = mapping
        for key in mapping.keys where key.string == nil || key.tag.description != Tag.Name.str.rawValue {
            throw ConfigError(path: path, "keys must be plain strings")
        }
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private mutating func value(_ key: String) -> Node? {
        consumed.insert(key)
        guard let node = mapping[key] else { return nil }
        if case .scalar = node, node.tag.description == Tag.Name.null.rawValue { return nil }
        return node
    }

    /// A required nested mapping.
    mutating func section(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let node = value(key) else { throw ConfigError(path: child(key), "missing required key") }
        return try ConfigNode(node, path: child(key))
    }

    /// An optional nested mapping.
    mutating func optionalSection(_ key: String) throws(ConfigError) -> ConfigNode? {
        guard let node = value(key) else { return nil }
        return try ConfigNode(node, path: child(key))
    }

    mutating func string(_ key: String) throws(ConfigError) -> String {
        guard let value = try optionalString(key) else { throw ConfigError(path: child(key), "missing required key") }
        return value
    }

    mutating func optionalString(_ key: String) throws(ConfigError) -> String? {
        guard let node = value(key) else { return nil }
        guard case .scalar(let scalar) = node, node.tag.description == Tag.Name.str.rawValue else {
            throw ConfigError(path: child(key), "expected a string")
        }
        guard !scalar.string.isEmpty else { throw ConfigError(path: child(key), "must not be empty") }
        return scalar.string
    }

    mutating func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let value = try optionalInt64(key) else { return fallback }
        guard let int = Int(exactly: value), range.contains(int) else {
            throw ConfigError(path: child(key), "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return int
    }

    mutating func optionalInt64(_ key: String) throws(ConfigError) -> Int64? {
        guard let node = value(key) else { return nil }
        guard node.tag.description == Tag.Name.int.rawValue, let int = node.int else {
            throw ConfigError(path: child(key), "expected a number")
        }
        return Int64(int)
    }

    mutating func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let node = value(key) else { return fallback }
        guard node.tag.description == Tag.Name.bool.rawValue, let bool = node.bool else {
            throw ConfigError(path: child(key), "expected true or false")
        }
        return bool
    }

    /// An optional list of strings.
    mutating func stringList(_ key: String) throws(ConfigError) -> [(path: String, value: String)]? {
        guard let node = value(key) else { return nil }
        guard case .sequence(let sequence) = node else { throw ConfigError(path: child(key), "expected a list") }
        var out: [(String, String)] = []
        for (index, element) in sequence.enumerated() {
            let elementPath = "\(child(key))[\(index)]"
            guard case .scalar(let scalar) = element, element.tag.description == Tag.Name.str.rawValue else {
                throw ConfigError(path: elementPath, "expected a string")
            }
            out.append((elementPath, scalar.string))
        }
        return out
    }

    /// Rejects every key that was not read.
    func finish() throws(ConfigError) {
        for key in mapping.keys.compactMap(\.string) where !consumed.contains(key) {
            throw ConfigError(path: child(key), "unknown key")
        }
    }
}
