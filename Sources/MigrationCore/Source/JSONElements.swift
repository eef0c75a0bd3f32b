internal import Foundation

/// Finds the elements of one array inside a saved JSON response (`{"entities":[…]}`,
/// `{"data":{"contacts":[…]}}`) with the line each element starts on, so a problem with one
/// element can be reported as `file:line` of the file as saved, pretty-printed or not.
///
/// Design: a byte scanner that only tracks nesting and strings; each element's bytes are then
/// parsed on their own. A document cut short keeps every element completed before the cut and
/// says where the cut is.
struct JSONElements {
    /// One element: its bytes and the 1-based line its first byte is on.
    struct Element {
        var bytes: Data
        var line: Int
    }

    /// The elements found, and where the document stopped making sense (nil: it is whole).
    var elements: [Element] = []
    var damage: (line: Int, reason: String)?
    /// Whether the path was found at all (an array, or `null`).
    var found = false

    /// Scans `data` for the array at `path` (object keys from the top).
    init(_ data: Data, path: [String]) {
        let bytes = [UInt8](data)
        var scanner = Scanner(bytes: bytes)
        do {
            scanner.skipWhitespace()
            for key in path {
                guard try scanner.enterValue(ofKey: key) else { return }
            }
            guard scanner.peek() == UInt8(ascii: "[") else {
                if scanner.peek() == UInt8(ascii: "n") { found = true }
                return
            }
            found = true
            scanner.position += 1
            while true {
                scanner.skipWhitespace()
                guard let byte = scanner.peek() else { throw Scanner.Failure.truncated }
                if byte == UInt8(ascii: "]") { return }
                if byte == UInt8(ascii: ",") {
                    scanner.position += 1
                    continue
                }
                let start = scanner.position
                let line = scanner.line(at: start)
                try scanner.skipValue()
                elements.append(Element(bytes: Data(bytes[start..<scanner.position]), line: line))
            }
        } catch {
            let truncated = (error as? Scanner.Failure) == .truncated
            let reason = truncated ? "the document ends early" : "the document is not valid JSON"
            damage = (scanner.line(at: min(scanner.position, bytes.count)), reason)
        }
    }

    /// The line of each key of the object at `path` (for reports on `{"data":{"u1":{…}}}`).
    static func keyLines(_ data: Data, path: [String]) -> [String: Int] {
        var scanner = Scanner(bytes: [UInt8](data))
        var lines: [String: Int] = [:]
        do {
            for key in path {
                guard try scanner.enterValue(ofKey: key) else { return lines }
            }
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "{") else { return lines }
            scanner.position += 1
            while true {
                scanner.skipWhitespace()
                guard let byte = scanner.peek(), byte != UInt8(ascii: "}") else { return lines }
                if byte == UInt8(ascii: ",") {
                    scanner.position += 1
                    continue
                }
                let start = scanner.position
                try scanner.skipValue()
                if let name = (try? JSONValue.parse(Data(scanner.bytes[start..<scanner.position])))?.string {
                    lines[name] = scanner.line(at: start)
                }
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: ":") else { return lines }
                scanner.position += 1
                try scanner.skipValue()
            }
        } catch {
            return lines
        }
    }

    /// A minimal JSON walker over bytes.
    fileprivate struct Scanner {
        enum Failure: Error { case truncated, invalid }

        let bytes: [UInt8]
        var position = 0
        private var lineCursor = (offset: 0, line: 1)

        init(bytes: [UInt8]) { self.bytes = bytes }

        func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        /// The 1-based line of `offset`; offsets are asked for in increasing order.
        mutating func line(at offset: Int) -> Int {
            if offset < lineCursor.offset { lineCursor = (0, 1) }
            var line = lineCursor.line
            for index in lineCursor.offset..<offset where bytes[index] == 0x0A { line += 1 }
            lineCursor = (offset, line)
            return line
        }

        /// In the object at the position, moves to the value of `key`; false when it is absent.
        mutating func enterValue(ofKey key: String) throws -> Bool {
            skipWhitespace()
            guard peek() == UInt8(ascii: "{") else { return false }
            position += 1
            while true {
                skipWhitespace()
                guard let byte = peek() else { throw Failure.truncated }
                if byte == UInt8(ascii: "}") { return false }
                if byte == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard byte == UInt8(ascii: "\"") else { throw Failure.invalid }
                let start = position
                try skipValue()
                let name = (try? JSONValue.parse(Data(bytes[start..<position])))?.string
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw peek() == nil ? Failure.truncated : Failure.invalid }
                position += 1
                skipWhitespace()
                if name == key { return true }
                try skipValue()
            }
        }

        /// Moves past one value (object, array, string or literal).
        mutating func skipValue() throws {
            skipWhitespace()
            guard let first = peek() else { throw Failure.truncated }
            switch first {
            case UInt8(ascii: "\""):
                position += 1
                while true {
                    guard let byte = peek() else { throw Failure.truncated }
                    position += 1
                    if byte == UInt8(ascii: "\\") {
                        position += 1
                    } else if byte == UInt8(ascii: "\"") {
                        return
                    }
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while true {
                    guard let byte = peek() else { throw Failure.truncated }
                    switch byte {
                    case UInt8(ascii: "\""):
                        try skipValue()
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    position += 1
                    if depth == 0 { return }
                }
            default:
                while let byte = peek(),
                    !(byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                        || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09)
                {
                    position += 1
                }
            }
        }
    }
}
