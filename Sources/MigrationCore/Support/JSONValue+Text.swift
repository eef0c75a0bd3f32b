extension JSONValue {
    /// Compact JSON text with sorted keys and unescaped slashes, written by hand (no encoder per value).
    public var text: String {
        var out: [UInt8] = []
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// ``text`` appended as UTF-8 bytes.
    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            let text = d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
            out.append(contentsOf: text.utf8)
        case .string(let s): Self.quote(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (index, element) in a.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (index, member) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal.
    static func quote(_ s: String, into out: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        quote(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string literal appended as UTF-8 bytes.
    static func quote(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { quote(bytes: $0, into: &out) }
    }

    /// UTF-8 text as a JSON string literal (escaped by ``LineWriter``: at most 6 bytes
    /// per byte, plus the quotes).
    static func quote(bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // Most strings need no escape: copied whole, without reserving room for the worst case.
        guard bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            out.append(0x22)
            out.append(contentsOf: bytes)
            out.append(0x22)
            return
        }
        LineWriter.write(into: &out, bound: 6 * bytes.count + 2) { $0.quoted(bytes) }
    }

    /// The escape sequence of `byte` (`\"`, `\\`, `\n`, `\r`, `\t` or `\u00XX`) and its length.
    static func escaped(_ byte: UInt8) -> (sequence: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8), count: Int) {
        let backslash: UInt8 = 0x5C
        switch byte {
        case 0x22, 0x5C: return ((backslash, byte, 0, 0, 0, 0), 2)
        case 0x0A: return ((backslash, UInt8(ascii: "n"), 0, 0, 0, 0), 2)
        case 0x0D: return ((backslash, UInt8(ascii: "r"), 0, 0, 0, 0), 2)
        case 0x09: return ((backslash, UInt8(ascii: "t"), 0, 0, 0, 0), 2)
        default:
            let high = byte >> 4
            let low = byte & 0xF
            let hex = { (digit: UInt8) -> UInt8 in digit < 10 ? 0x30 + digit : 0x57 + digit }
            return ((backslash, UInt8(ascii: "u"), 0x30, 0x30, hex(high), hex(low)), 6)
        }
    }
}
