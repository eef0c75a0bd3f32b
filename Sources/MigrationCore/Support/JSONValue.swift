public import Foundation
@_exported public import JSONKit

/// The tool's reading of a ``JSONValue`` (NIM answers, loose source lines): its own parser, and
/// accessors that take a value as NIM and the vendors write it (ids as strings or numbers, flags
/// as booleans or strings).
extension JSONValue {
    /// Parses JSON text.
    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in try JSONParser.parse(buffer: raw.bindMemory(to: UInt8.self)) }
    }

    /// A string, or a number rendered as one (NIM sends ids both ways).
    public var string: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        default: nil
        }
    }

    /// An integer, or a string holding one.
    public var int: Int64? {
        switch self {
        case .int(let i): i
        case .string(let s): Int64(s)
        case .double(let d) where d == d.rounded(): Int64(exactly: d)
        default: nil
        }
    }

    /// A boolean, or a string `true` / `false` (Easemob writes some flags both ways).
    public var bool: Bool? {
        switch self {
        case .bool(let b): b
        case .string("true"): true
        case .string("false"): false
        default: nil
        }
    }

    /// The elements of an array (empty otherwise).
    public var array: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }
}
