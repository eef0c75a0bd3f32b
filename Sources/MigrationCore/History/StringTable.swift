/// A string-keyed table for the history pass's hottest lookups (accids, gids, URLs seen on every
/// line): open addressing over ``StableHasher``, which hashes a short ASCII key in a few
/// nanoseconds where `Dictionary`'s seeded SipHash takes several times that; key and value lie
/// side by side, so a hit costs one cache miss. No removal of single keys; ``removeAll()``
/// empties it.
struct StringTable<Value> {
    private struct Entry {
        var key: String
        var value: Value
    }

    private var entries: [Entry?]
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        entries = Array(repeating: nil, count: slots)
    }

    subscript(key: String) -> Value? {
        get {
            var slot = Self.hash(key) & (entries.count - 1)
            while let entry = entries[slot] {
                if entry.key == key { return entry.value }
                slot = (slot + 1) & (entries.count - 1)
            }
            return nil
        }
        set {
            guard let newValue else { return }
            if (count + 1) * 2 > entries.count { grow() }
            var slot = Self.hash(key) & (entries.count - 1)
            while let entry = entries[slot] {
                if entry.key == key {
                    entries[slot]?.value = newValue
                    return
                }
                slot = (slot + 1) & (entries.count - 1)
            }
            entries[slot] = Entry(key: key, value: newValue)
            count += 1
        }
    }

    mutating func removeAll() {
        for index in entries.indices { entries[index] = nil }
        count = 0
    }

    private mutating func grow() {
        var larger = StringTable(capacity: entries.count)
        for case let entry? in entries { larger[entry.key] = entry.value }
        self = larger
    }

    private static func hash(_ key: String) -> Int {
        var hasher = StableHasher()
        hasher.combine(key)
        return Int(truncatingIfNeeded: hasher.finalize())
    }
}
