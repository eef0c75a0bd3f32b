internal import CPrefetch

/// A set of 64-bit hashes in one array of 8-byte slots (open addressing; 0 marks an empty slot,
/// so a hash of 0 is kept as 1). Filled up to three quarters before it grows: the smaller the
/// table, the more of it stays in the processor's cache, which matters more than a second probe
/// (usually in the same cache line).
struct HashSet {
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    private(set) var count = 0

    func contains(_ hash: UInt64) -> Bool {
        let hash = max(hash, 1)
        var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[index] != 0 {
            if slots[index] == hash { return true }
            index = (index + 1) & (slots.count - 1)
        }
        return false
    }

    /// Starts loading the slot where a lookup of `hash` begins (a hint; see ``nim_prefetch``).
    func prefetch(_ hash: UInt64) {
        let index = Int(truncatingIfNeeded: max(hash, 1)) & (slots.count - 1)
        slots.withUnsafeBufferPointer { nim_prefetch($0.baseAddress.map { $0 + index }) }
    }

    mutating func insert(_ hash: UInt64) {
        let hash = max(hash, 1)
        var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[index] != 0 {
            if slots[index] == hash { return }
            index = (index + 1) & (slots.count - 1)
        }
        slots[index] = hash
        count += 1
        if count * 4 > slots.count * 3 { grow() }
    }

    mutating func removeAll() {
        for index in slots.indices { slots[index] = 0 }
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: slots.count * 2)
        count = 0
        for hash in old where hash != 0 { insert(hash) }
    }
}
