public import Foundation
@_exported public import JSONKit

/// The emulators' reading of a ``JSONValue``, their own wire type for requests and responses
/// (neither emulator imports MigrationCore, so each stays an independent oracle of the tool's
/// client): strict accessors, literals, and objects encoded with sorted keys so that every answer,
/// and the dump in particular, is byte-for-byte deterministic.
extension JSONValue {
    /// Parses JSON text; `nil` when it is not valid JSON.
    public init?(json data: Data) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        self = value
    }

    /// Parses JSON text; `nil` when it is not valid JSON.
    public init?(json text: String) {
        self.init(json: Data(text.utf8))
    }

    /// The compact JSON text of this value, keys sorted.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, when this is an integer (or a whole double).
    public var intValue: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 9e18: return Int64(value)
        default: return nil
        }
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Milliseconds from a number or a numeric string (history lines carry both).
    public var millisecondsValue: Int64? {
        switch self {
        case .string(let text): return Int64(text)
        default: return intValue
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// The `null` literal.
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// A string, or `null` when absent.
    public static func optional(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }

    /// An array of strings.
    public static func strings(_ values: [String]) -> JSONValue {
        .array(values.map { .string($0) })
    }

    /// An integer from any binary integer.
    public static func number(_ value: some BinaryInteger) -> JSONValue {
        .int(Int64(value))
    }
}
