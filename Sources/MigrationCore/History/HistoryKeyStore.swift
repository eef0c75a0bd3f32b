/// The keys of every message line the history pass kept, to find the lines NIM would merge (注1:
/// the same msgid, from, to/tid and createTime). Built for one sequential pass over millions of lines:
///
/// - each chunk's keys are stored in the chunk's own transaction as one block, sorted, in the state
///   database (`history_key_blocks`): one row per chunk, not one index entry per line;
/// - nearly every line is cleared without touching anything large: an export in time order gives
///   each new key a createTime past every key of its kind (p2p or team) seen so far, and a key
///   outside the times its kind has covered is surely new;
/// - the rest are checked against this chunk's keys (a small Bloom filter, then an index built the
///   first time a chunk needs it) and, when the key's createTime lies within the stored blocks'
///   time ranges, a Bloom filter over every committed key, then a binary search in each block
///   whose range holds it. An export in time order gives each block a narrow range.
///
/// Memory is the filter (16 bits per key the export could hold at most) and one chunk's keys. A
/// chunk's keys enter the large filter when the chunk commits, together (one pass over memory
/// instead of one cache miss per line). A new process rebuilds the filter from the stored blocks;
/// blocks of a transaction that never committed do not exist, so the store always agrees with the
/// committed cursor.
final class HistoryKeyStore {
    /// One key with where it was found (`item << 32 | line`) and the hash of its output line.
    struct Record {
        var time: Int64
        var fingerprint: Int64
        var location: Int64
        var hash: Int64
    }

    /// A stored block: its row and the time range of its keys.
    struct Block {
        var id: Int64
        var minTime: Int64
        var maxTime: Int64
        var count: Int
    }

    /// Every committed key.
    private var filter: BloomFilter
    private var blocks: [Block] = []
    /// Per kind (p2p, team), the times the stored blocks span: a key outside them is surely not
    /// stored. Blocks read from the database count for both kinds (their keys' kinds are not kept).
    private var covered = [TimeRanges(), TimeRanges()]
    private var loaded = false
    /// This chunk's keys, the times they span per kind, a filter over them, and an open-addressing
    /// index into them (slot = index + 1; 0 is empty) built the first time the filter sends a key
    /// here: most chunks never need it.
    private var chunk: [Record] = []
    private var chunkTimes: [ClosedRange<Int64>?] = [nil, nil]
    private var chunkFilter = BloomFilter(bits: HistoryStage.chunkLines * 16)
    private var slots: [Int32] = []
    private var indexed = false

    /// A store for an export that holds at most about `expectedKeys` messages.
    init(expectedKeys: Int) {
        filter = BloomFilter(bits: min(max(expectedKeys, 1 << 16) * 16, 1 << 28))
    }

    /// Records the key of a line (`line` of the file of work item `item`) whose output hashes to
    /// `hash`, or returns the earlier line that has the key.
    func insert(
        _ key: HistoryKey, item: Int64, line: Int, hash: Int64, in tx: HistoryTransaction
    ) throws -> HistoryTransaction.KeyInsert {
        if !loaded { try load(tx) }
        let filterHash = Self.filterHash(key)
        let kind = key.team ? 1 : 0
        if let earlier = try earlier(key, kind, filterHash, tx) {
            return .seen(location: try tx.locationText(earlier.location), hash: earlier.hash)
        }
        chunkFilter.insert(filterHash)
        chunkTimes[kind] =
            chunkTimes[kind].map { min($0.lowerBound, key.time)...max($0.upperBound, key.time) }
            ?? key.time...key.time
        chunk.append(
            Record(time: key.time, fingerprint: key.fingerprint, location: item << 32 | Int64(line), hash: hash))
        if indexed { place(chunk.count - 1, filterHash) }
        return .new
    }

    /// The first record of `key` in this chunk or the stored blocks.
    private func earlier(
        _ key: HistoryKey, _ kind: Int, _ filterHash: UInt64, _ tx: HistoryTransaction
    ) throws -> Record? {
        if let times = chunkTimes[kind], times.contains(key.time), chunkFilter.mayContain(filterHash),
            let record = inChunk(key, filterHash)
        {
            return record
        }
        guard covered[kind].contains(key.time), filter.mayContain(filterHash) else { return nil }
        return try stored(key, tx)
    }

    /// Stores this chunk's keys as one block (inside the chunk's transaction) and starts the next.
    func commitChunk(_ tx: HistoryTransaction) throws {
        guard !chunk.isEmpty else { return }
        chunk.sort { ($0.time, $0.fingerprint) < ($1.time, $1.fingerprint) }
        var block = Block(id: 0, minTime: chunk[0].time, maxTime: chunk[chunk.count - 1].time, count: chunk.count)
        block.id = try chunk.withUnsafeBytes { try tx.appendKeyBlock($0, block) }
        blocks.append(block)
        for kind in chunkTimes.indices {
            if let times = chunkTimes[kind] { covered[kind].insert(times) }
        }
        insertIntoFilter(chunk)
        startChunk()
    }

    private func insertIntoFilter(_ records: some Sequence<Record>) {
        filter.insert(
            contentsOf: records.map { Self.filterHash(HistoryKey(time: $0.time, fingerprint: $0.fingerprint)) })
    }

    private func startChunk() {
        chunk.removeAll(keepingCapacity: true)
        chunkTimes = [nil, nil]
        chunkFilter.removeAll()
        indexed = false
    }

    /// Forgets what the chunk's transaction, which did not commit, added: the next use reads the
    /// stored blocks again. (If the chunk's keys reached the filter, their bits only cost a lookup.)
    func rollBack() {
        startChunk()
        blocks.removeAll()
        covered = [TimeRanges(), TimeRanges()]
        loaded = false
    }

    private func load(_ tx: HistoryTransaction) throws {
        try tx.forEachKeyBlock { block, bytes in
            blocks.append(block)
            for kind in covered.indices { covered[kind].insert(block.minTime...block.maxTime) }
            insertIntoFilter(bytes.bindMemory(to: Record.self))
        }
        loaded = true
    }

    /// The stored record of a key the filter may have seen.
    private func stored(_ key: HistoryKey, _ tx: HistoryTransaction) throws -> Record? {
        for block in blocks where block.minTime <= key.time && key.time <= block.maxTime {
            if let record = try tx.findKey(key, inBlock: block) { return record }
        }
        return nil
    }

    /// The record of a key in this chunk (indexing the chunk first if it is not yet).
    private func inChunk(_ key: HistoryKey, _ filterHash: UInt64) -> Record? {
        if !indexed { buildIndex() }
        var slot = Int(truncatingIfNeeded: filterHash) & (slots.count - 1)
        while slots[slot] != 0 {
            let record = chunk[Int(slots[slot]) - 1]
            if record.time == key.time, record.fingerprint == key.fingerprint { return record }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// Builds the index of this chunk's keys, with room for a chunk four times its size so far.
    private func buildIndex() {
        var size = 1 << 10
        while size < max(chunk.count, HistoryStage.chunkLines) * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
        indexed = true
        for index in chunk.indices {
            place(index, Self.filterHash(HistoryKey(time: chunk[index].time, fingerprint: chunk[index].fingerprint)))
        }
    }

    private func place(_ index: Int, _ filterHash: UInt64) {
        if (index + 1) * 2 > slots.count {
            indexed = false  // full: built again, larger, at the next lookup
            return
        }
        var slot = Int(truncatingIfNeeded: filterHash) & (slots.count - 1)
        while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(index + 1)
    }

    private static func filterHash(_ key: HistoryKey) -> UInt64 {
        UInt64(bitPattern: key.fingerprint) ^ (UInt64(bitPattern: key.time) &* 0x9E37_79B9_7F4A_7C15)
    }
}
