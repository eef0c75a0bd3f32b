internal import Foundation

/// A small JSON parser into ``JSONValue`` over UTF-8 bytes: one pass, no exceptions per value
/// (the `Decodable` route tries each type in turn and throws for every miss, which dominated the
/// history stage's time).
///
/// Strict RFC 8259: the number grammar `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
/// exactly (no leading zero, `+`, bare `.5` or `5.`, `1e`, hex, `Infinity`, `NaN`), the four
/// whitespace bytes only, no trailing comma, no raw U+0000–U+001F in a string, the eight escapes and
/// `\uXXXX` only, nothing but whitespace after the value. Where it differs from Foundation's
/// `JSONSerialization` (which `JSONParserTests` fuzzes it against):
/// - `JSONSerialization` accepts a trailing comma (`[1,]`, `{"a":1,}`) and a UTF-8 byte order mark,
///   and guesses UTF-16/32 from zero bytes (`1\0` reads as `1`); the RFC forbids the first (§2) and
///   does not require the others (§8.1), so they are refused here.
/// - Invalid UTF-8 inside a string, and a `\uXXXX` surrogate without its pair, read as U+FFFD
///   where `JSONSerialization` refuses the whole text: a message line with a damaged character
///   is migrated rather than lost (§8.2 leaves unpaired surrogates' meaning open; the line's
///   other bytes are still held to the grammar).
/// - Both refuse a number beyond `Double`'s range (`1e400`: RFC §6 lets a parser set limits) and
///   nesting deeper than 512 arrays or objects.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// Parses one complete JSON text.
    static func parse(_ data: some Collection<UInt8>) throws -> JSONValue {
        if let value = try data.withContiguousStorageIfAvailable({ try parse(buffer: $0) }) { return value }
        return try Array(data).withUnsafeBufferPointer { try parse(buffer: $0) }
    }

    /// Parses one complete JSON text in `buffer` (read in place, not copied).
    static func parse(buffer: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        try parse(buffer: buffer) { parser in try parser.value(depth: 0) }
    }

    /// Parses one complete JSON text in `buffer` with `body`, which reads the value at the start
    /// (with ``value(depth:)`` or ``members(depth:_:)``); whitespace around it and nothing else may follow.
    static func parse<T>(buffer: UnsafeBufferPointer<UInt8>, _ body: (inout JSONParser) throws -> T) throws -> T {
        var parser = JSONParser(bytes: buffer)
        parser.skipWhitespace()
        let value = try body(&parser)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else {
            throw JSONParseError(offset: parser.index, "trailing characters")
        }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Whether the next value is an object.
    var atObject: Bool { index < bytes.count && bytes[index] == UInt8(ascii: "{") }

    /// Reads the object at the current position member by member, without building it: `member`
    /// gets each key's UTF-8 bytes (unescaped) and must read the member's value, with
    /// ``value(depth:)`` or another ``members(depth:_:)``. Call only when ``atObject``.
    mutating func members(
        depth: Int, _ member: (UnsafeBufferPointer<UInt8>, inout JSONParser) throws -> Void
    ) throws {
        guard depth < 512 else { throw JSONParseError(offset: index, "nested too deeply") }
        if enter(closedBy: UInt8(ascii: "}")) { return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw JSONParseError(offset: index, "expected a key")
            }
            if let key = plainString() {
                try separator()
                try member(key, &self)
            } else {
                var key = try string()
                try separator()
                try key.withUTF8 { try member($0, &self) }
            }
            if try closed(by: UInt8(ascii: "}")) { return }
        }
    }

    /// At an object's or array's opening bracket: steps over it; true when `close` follows at once
    /// (the container is empty, and it is stepped over too).
    @inline(__always)
    private mutating func enter(closedBy close: UInt8) -> Bool {
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == close else { return false }
        index += 1
        return true
    }

    /// After a member or element: steps over `,` (another follows: false) or `close` (the end:
    /// true); anything else is an error.
    @inline(__always)
    private mutating func closed(by close: UInt8) throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw JSONParseError(offset: index, "unexpected end") }
        let byte = bytes[index]
        guard byte == UInt8(ascii: ",") || byte == close else {
            throw JSONParseError(offset: index, "expected , or \(Character(Unicode.Scalar(close)))")
        }
        index += 1
        return byte == close
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// Reads the value at the current position. `depth`: how many arrays and objects enclose it
    /// (an array or object at depth 512, the 513th level, is too deep; a scalar there is not).
    mutating func value(depth: Int) throws -> JSONValue {
        guard index < bytes.count else { throw JSONParseError(offset: index, "unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["):
            guard depth < 512 else { throw JSONParseError(offset: index, "nested too deeply") }
            return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw JSONParseError(offset: index, "unexpected end") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw JSONParseError(offset: index, "unexpected character")
        }
        index += count
        return value
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(8)  // a message's data object: no rehash while it fills
        try members(depth: depth) { key, parser in
            object[String(decoding: key, as: UTF8.self)] = try parser.value(depth: depth + 1)
        }
        return .object(object)
    }

    /// After a key: the `:` and the whitespace around it.
    private mutating func separator() throws {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw JSONParseError(offset: index, "expected :")
        }
        index += 1
        skipWhitespace()
    }

    /// The string at the current position as it lies in the text, when it has no escape (its
    /// bytes are then its UTF-8); nil, with nothing read, when it has one.
    private mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        var end = index + 1
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
                index = end + 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            end += 1
        }
        return nil
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        var elements: [JSONValue] = []
        if enter(closedBy: UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            if try closed(by: UInt8(ascii: "]")) { return .array(elements) }
        }
    }

    /// The string at the current position as it lies in the text, when it is a string without
    /// escapes; nil, with nothing read, otherwise (or when the next value is not a string).
    mutating func plainStringValue() -> UnsafeBufferPointer<UInt8>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        return plainString()
    }

    /// The string at the current position as it lies in the text (between its quotes, escapes
    /// included), when that text is also how ``JSONValue/quote(bytes:into:)`` would write its
    /// value: valid UTF-8 whose only escapes are `\"`, `\\`, `\n`, `\r` and `\t`. Nil, with
    /// nothing read, otherwise (or when the next value is not a string).
    mutating func canonicalString() -> UnsafeBufferPointer<UInt8>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        var end = index + 1
        var ascii = true
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") {
                guard end + 1 < bytes.count else { return nil }
                switch bytes[end + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    end += 2
                default: return nil
                }
                continue
            }
            end += 1
        }
        guard end < bytes.count else { return nil }
        let text = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
        guard ascii || UTF8Validation.isValid(text) else { return nil }
        index = end + 1
        return text
    }

    private mutating func string() throws -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw JSONParseError(offset: index, "control character in a string") }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw JSONParseError(offset: index, "unexpected end") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar), let low = lowSurrogate() {
                        index += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    // A surrogate without its pair (`\ud800`, `\udc00`, `\ud800\u0041`) is U+FFFD,
                    // like invalid UTF-8 in a string: RFC 8259 §8.2 allows it in the grammar and leaves
                    // its meaning open; JSONSerialization refuses the text.
                    UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { out.append($0) }
                default: throw JSONParseError(offset: index, "bad escape")
                }
            default:
                if byte < 0x20 { throw JSONParseError(offset: index, "control character in a string") }
                out.append(byte)
                index += 1
            }
        }
        throw JSONParseError(offset: index, "unterminated string")
    }

    /// The low surrogate of the `\uXXXX` escape at the current position, if there is one there
    /// (nothing read).
    private func lowSurrogate() -> UInt32? {
        guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            return nil
        }
        var value: UInt32 = 0
        for offset in 2..<6 {
            let byte = bytes[index + offset]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * 16 + UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value * 16 + UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value * 16 + UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return (0xDC00...0xDFFF).contains(value) ? value : nil
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONParseError(offset: index, "unexpected end") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONParseError(offset: index, "bad \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func number() throws -> JSONValue {
        let start = index
        // Fast path: a plain integer of at most 18 digits.
        var value: Int64 = 0
        var digits = 0
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let integerStart = index
        while index < bytes.count, digits < 18, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int64(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        if digits > 0, index == bytes.count || !Self.isNumberByte(bytes[index]),
            digits == 1 || bytes[integerStart] != UInt8(ascii: "0")
        {
            return .int(negative ? -value : value)
        }
        // The grammar, strictly: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        index = integerStart
        guard index < bytes.count else { throw JSONParseError(offset: index, "unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "0"): index += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"): _ = skipDigits()
        default: throw JSONParseError(offset: index, "unexpected character")
        }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard skipDigits() else { throw JSONParseError(offset: index, "expected a digit after .") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard skipDigits() else { throw JSONParseError(offset: index, "expected a digit in the exponent") }
        }
        // What the grammar does not take (`01`, `1.2.3`, `1e5e5`, `1-2`) is not another token either.
        if index < bytes.count, Self.isNumberByte(bytes[index]) {
            throw JSONParseError(offset: index, "malformed number")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let int = Int64(text) { return .int(int) }
        // Out of Double's range (`1e400`) is refused, as JSONSerialization does (RFC 8259 §6 lets a
        // parser limit the range); it would be written back as `inf`, which is not JSON.
        guard let double = Double(text), double.isFinite else {
            throw JSONParseError(offset: start, "number out of range")
        }
        return .double(double)
    }

    /// Reads digits; whether there was one.
    private mutating func skipDigits() -> Bool {
        let first = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        return index > first
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }
}

/// Why a text is not JSON.
struct JSONParseError: Error, CustomStringConvertible {
    var offset: Int
    var reason: String

    init(offset: Int, _ reason: String) {
        self.offset = offset
        self.reason = reason
    }

    var description: String { "\(reason) at byte \(offset)" }
}
