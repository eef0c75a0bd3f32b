/// A string-keyed table for the history pass's hottest lookups (accids, gids, URLs seen on every
/// line): open addressing over ``StableHasher``, which hashes a short ASCII key in a few
/// nanoseconds where `Dictionary`'s seeded SipHash takes several times that. A slot holds the
/// hash, the key and the value together, so a hit costs one cache miss. No removal of single
/// keys; ``removeAll()`` empties it.
struct StringTable<Value> {
    private struct Slot {
        /// 0: empty (a real hash of 0 is stored as 1).
        var hash: UInt64 = 0
        var key = ""
        var value: Value?
    }

    private var slots: [Slot]
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: Slot(), count: size)
    }

    subscript(key: String) -> Value? {
        get {
            let hash = Self.hash(key)
            var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
            while slots[index].hash != 0 {
                if slots[index].hash == hash, slots[index].key == key { return slots[index].value }
                index = (index + 1) & (slots.count - 1)
            }
            return nil
        }
        set {
            guard let newValue else { return }
            let hash = Self.hash(key)
            var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
            while slots[index].hash != 0 {
                if slots[index].hash == hash, slots[index].key == key {
                    slots[index].value = newValue
                    return
                }
                index = (index + 1) & (slots.count - 1)
            }
            slots[index] = Slot(hash: hash, key: key, value: newValue)
            count += 1
            if count * 2 > slots.count { grow() }
        }
    }

    mutating func removeAll() {
        for index in slots.indices { slots[index] = Slot() }
        count = 0
    }

    private mutating func grow() {
        var larger = StringTable(capacity: slots.count)
        for slot in slots where slot.hash != 0 { larger[slot.key] = slot.value }
        self = larger
    }

    private static func hash(_ key: String) -> UInt64 {
        max(StableHasher.hash(key), 1)
    }
}
