/// Builds one JSON object with keys in the order given: generated exports are byte-stable.
public struct JSONLine: Sendable {
    private var parts: [String] = []

    public init() {}

    /// Adds a string member.
    public mutating func add(_ key: String, _ value: String) { parts.append("\(Self.quote(key)):\(Self.quote(value))") }
    /// Adds an integer member.
    public mutating func add(_ key: String, _ value: Int) { parts.append("\(Self.quote(key)):\(value)") }
    /// Adds a boolean member.
    public mutating func add(_ key: String, _ value: Bool) { parts.append("\(Self.quote(key)):\(value)") }
    /// Adds a member whose value is already JSON text (an object, an array, a number).
    public mutating func addRaw(_ key: String, _ json: String) { parts.append("\(Self.quote(key)):\(json)") }
    /// Adds an array of strings.
    public mutating func add(_ key: String, _ values: [String]) {
        addRaw(key, "[" + values.map(Self.quote).joined(separator: ",") + "]")
    }

    /// The object's JSON text.
    public var text: String { "{" + parts.joined(separator: ",") + "}" }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
