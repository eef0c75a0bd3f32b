/// A JSON object written field by field, for the payloads made per source line: the bytes
/// `JSONEncoder` with `.sortedKeys` writes for the same fields (its escapes: `\/`, `\b`, `\f`,
/// `\n`, `\r`, `\t`, `\u00xx` for other controls), in about a fifth of its time (issue 27).
/// Fields are written in the order given — callers give them sorted — and nil values are left
/// out, as synthesized `Encodable` does.
struct JSONObjectWriter {
    /// A field's value; nil leaves the field out.
    enum Value {
        case text(String?)
        case int(Int?)
    }

    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    private init() {
        bytes.reserveCapacity(128)
    }

    /// The object of `fields`, in the order given.
    static func object(_ fields: KeyValuePairs<StaticString, Value>) -> String {
        var writer = JSONObjectWriter()
        for (key, value) in fields {
            switch value {
            case .text(let text?):
                writer.name(key)
                writer.string(text)
            case .int(let int?):
                writer.name(key)
                writer.bytes.append(contentsOf: String(int).utf8)
            case .text(nil), .int(nil): continue
            }
        }
        writer.bytes.append(UInt8(ascii: "}"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private mutating func name(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    private mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most texts need no escape: their bytes go as they are.
        if value.utf8.allSatisfy({
            $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/")
        }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "/"): bytes.append(contentsOf: "\\/".utf8)
            case 0x08: bytes.append(contentsOf: "\\b".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0C: bytes.append(contentsOf: "\\f".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
