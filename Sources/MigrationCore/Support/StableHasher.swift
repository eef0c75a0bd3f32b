/// A 64-bit hash that is the same in every process and version (Swift's `Hasher` is seeded per
/// process), eight bytes at a time. Not cryptographic: it tells keys and line contents apart.
struct StableHasher {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The hash of a line's bytes.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var hasher = StableHasher()
        hasher.combine(bytes)
        return Int64(bitPattern: hasher.finalize())
    }

    /// The hash of a text's UTF-8.
    static func hash(_ text: String) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(text)
        return hasher.finalize()
    }

    mutating func combine(_ word: UInt64) {
        state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
        state = (state << 31) | (state >> 33)
    }

    mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
    }

    /// The bytes and their count (so that "ab"+"c" and "a"+"bc" differ).
    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            combine(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        // The last 0–7 bytes, little-endian, zero above: from the last eight bytes of the text
        // shifted down when it has eight (one load instead of a loop), else byte by byte.
        let rest = bytes.count - offset
        var tail: UInt64 = 0
        if rest > 0, bytes.count >= 8 {
            tail =
                bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self).littleEndian
                >> (64 - 8 * UInt64(rest))
        } else {
            for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << (8 * UInt64(index - offset)) }
        }
        combine(tail)
        combine(UInt64(bytes.count))
    }

    /// Mixes the state (MurmurHash3's finaliser).
    func finalize() -> UInt64 {
        var h = state
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
