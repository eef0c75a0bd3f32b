/// Writes bytes through a raw pointer into room reserved beforehand: the history line is built
/// with a few dozen small appends, and `Array.append`'s checks on each were a fifth of the pass.
/// Use ``write(into:bound:_:)``; `bound` must be at least the bytes the body writes.
struct LineWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private(set) var position: Int

    /// Appends what `body` writes to `out`, written first into scratch room of `bound` bytes (on
    /// the stack when it is small), then copied: no zero-filling of the bound in `out`.
    static func write(into out: inout [UInt8], bound: Int, _ body: (inout LineWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bound, 1)) { scratch in
            guard let base = scratch.baseAddress else { return }
            var writer = LineWriter(base: base, position: 0)
            body(&writer)
            precondition(writer.position <= bound, "a history line outgrew its bound")
            out.append(contentsOf: UnsafeBufferPointer(start: base, count: writer.position))
        }
    }

    private init(base: UnsafeMutablePointer<UInt8>, position: Int) {
        self.base = base
        self.position = position
    }

    mutating func byte(_ byte: UInt8) {
        base[position] = byte
        position += 1
    }

    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + position).update(from: source, count: bytes.count)
        position += bytes.count
    }

    mutating func text(_ text: StaticString) {
        bytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The decimal digits of `value` (at most 20 bytes), two at a time from a table.
    mutating func integer(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var scale: UInt64 = 10
        while digits < 20, magnitude >= scale {
            digits += 1
            scale = scale &* 10
        }
        var index = position + digits
        while magnitude >= 10 {
            let pair = Int(magnitude % 100) * 2
            magnitude /= 100
            index -= 2
            Self.digitPairs.withUnsafeBufferPointer { table in
                base[index] = table[pair]
                base[index + 1] = table[pair + 1]
            }
        }
        if index > position { base[position] = 0x30 + UInt8(magnitude) }
        position += digits
    }

    /// "00", "01", … "99" as bytes.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for number in 0..<100 {
            let tens = UInt8(number / 10)
            let ones = UInt8(number % 10)
            pairs.append(0x30 + tens)
            pairs.append(0x30 + ones)
        }
        return pairs
    }()

    /// UTF-8 text as a JSON string literal: runs that need no escape are copied whole, `"`, `\`
    /// and control characters escaped (at most 6 bytes per byte, plus 2).
    mutating func quoted(_ text: UnsafeBufferPointer<UInt8>) {
        byte(0x22)
        var runStart = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            bytes(UnsafeBufferPointer(rebasing: text[runStart..<index]))
            let (sequence, count) = JSONValue.escaped(byte)
            withUnsafeBytes(of: sequence) {
                bytes(UnsafeBufferPointer(rebasing: $0.bindMemory(to: UInt8.self).prefix(count)))
            }
            runStart = index + 1
        }
        bytes(UnsafeBufferPointer(rebasing: text[runStart...]))
        byte(0x22)
    }

    /// Text already escaped, between quotes.
    mutating func verbatim(_ text: UnsafeBufferPointer<UInt8>) {
        byte(0x22)
        bytes(text)
        byte(0x22)
    }

    mutating func quoted(_ text: String) {
        var text = text
        text.withUTF8 { quoted($0) }
    }
}
