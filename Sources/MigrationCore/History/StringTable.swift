/// A string-keyed table for the history pass's hottest lookups (accids, gids, URLs seen on every
/// line): open addressing over ``StableHasher``, which hashes a short ASCII key in a few
/// nanoseconds where `Dictionary`'s seeded SipHash takes several times that. The slots are 8
/// bytes (32 bits of the hash and where the entry is), the entries lie densely behind them: a
/// lookup touches little memory. No removal of single keys; ``removeAll()`` empties it.
struct StringTable<Value> {
    private struct Entry {
        var key: String
        var value: Value
    }

    /// Per slot: the hash's high 32 bits, and the entry's index + 1 (0: empty).
    private var slots: [UInt64]
    private var entries: [Entry] = []

    var count: Int { entries.count }

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
    }

    subscript(key: String) -> Value? {
        get {
            let hash = Self.hash(key)
            var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
            while slots[slot] != 0 {
                if slots[slot] >> 32 == hash >> 32 {
                    let index = Int(slots[slot] & 0xFFFF_FFFF) - 1
                    if entries[index].key == key { return entries[index].value }
                }
                slot = (slot + 1) & (slots.count - 1)
            }
            return nil
        }
        set {
            guard let newValue else { return }
            let hash = Self.hash(key)
            var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
            while slots[slot] != 0 {
                if slots[slot] >> 32 == hash >> 32 {
                    let index = Int(slots[slot] & 0xFFFF_FFFF) - 1
                    if entries[index].key == key {
                        entries[index].value = newValue
                        return
                    }
                }
                slot = (slot + 1) & (slots.count - 1)
            }
            entries.append(Entry(key: key, value: newValue))
            slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(entries.count)
            if entries.count * 2 > slots.count { grow() }
        }
    }

    mutating func removeAll() {
        for index in slots.indices { slots[index] = 0 }
        entries.removeAll(keepingCapacity: true)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for (index, entry) in entries.enumerated() {
            let hash = Self.hash(entry.key)
            var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(index + 1)
        }
    }

    private static func hash(_ key: String) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(key)
        return hasher.finalize()
    }
}
