internal import CPrefetch

/// A blocked Bloom filter over 64-bit hashes: each key sets 7 bits within one 512-bit block (one
/// cache line), so a lookup costs one memory access. Says "surely absent" or "maybe present"; the
/// history key store checks every "maybe" against what it has stored.
struct BloomFilter {
    private var words: [UInt64]
    private let blocks: UInt64

    /// A filter of about `bits` bits (at least one block).
    init(bits: Int) {
        let blocks = max(1, bits / 512)
        self.blocks = UInt64(blocks)
        words = Array(repeating: 0, count: blocks * 8)
    }

    /// The filter's size in bytes.
    var byteCount: Int { words.count * 8 }

    mutating func removeAll() {
        words.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Inserts many hashes, each block's memory asked for a few hashes ahead of its turn (so the
    /// cache misses overlap instead of coming one after another).
    mutating func insert(contentsOf hashes: [UInt64]) {
        let ahead = 8
        words.withUnsafeBufferPointer { words in
            for hash in hashes.prefix(ahead) { nim_prefetch(words.baseAddress.map { $0 + block(hash) }) }
        }
        for index in hashes.indices {
            if index + ahead < hashes.count {
                let next = block(hashes[index + ahead])
                words.withUnsafeBufferPointer { nim_prefetch($0.baseAddress.map { $0 + next }) }
            }
            insert(hashes[index])
        }
    }

    mutating func insert(_ hash: UInt64) {
        let base = block(hash)
        var bits = Self.remix(hash)
        for _ in 0..<7 {
            words[base + Int((bits >> 6) & 7)] |= 1 << (bits & 63)
            bits >>= 9
        }
    }

    func mayContain(_ hash: UInt64) -> Bool {
        let base = block(hash)
        var bits = Self.remix(hash)
        for _ in 0..<7 {
            if words[base + Int((bits >> 6) & 7)] & (1 << (bits & 63)) == 0 { return false }
            bits >>= 9
        }
        return true
    }

    /// The first word of the hash's block (the high half of hash × blocks: no modulo).
    private func block(_ hash: UInt64) -> Int {
        Int(hash.multipliedFullWidth(by: blocks).high) * 8
    }

    /// Bits for positions within the block, independent of the bits that chose the block.
    private static func remix(_ hash: UInt64) -> UInt64 {
        var h = hash ^ (hash >> 29)
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}
