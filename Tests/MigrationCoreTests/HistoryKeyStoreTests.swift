import Foundation
import Testing

@testable import MigrationCore

/// The history pass's duplicate finder: keys in this chunk, in stored blocks, after a restart,
/// after a rolled-back chunk, in time order and out of it.
@Suite struct HistoryKeyStoreTests {
    /// A database with one message file registered; returns it and the file's item id.
    private func database() async throws -> (StateDatabase, Int64) {
        let database = try temporaryDatabase()
        _ = try await database.register(
            [NewWorkItem(key: "messages/a.jsonl", kind: "message-file", sourceFile: "messages/a.jsonl")],
            stage: .history)
        let id = try await database.itemIDs(stage: .history)["messages/a.jsonl"]
        return (database, try #require(id))
    }

    private func key(_ time: Int64, _ n: Int64) -> HistoryKey { HistoryKey(time: time, fingerprint: n &* 7_919) }

    @Test func findsTheFirstLineOfAKeyInTheChunkInStoredBlocksAndAfterARestart() async throws {
        let (database, item) = try await database()
        let store = HistoryKeyStore(expectedKeys: 1000)
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            for n in Int64(0)..<500 {
                #expect(try store.insert(key(1_000 + n, n), item: item, line: Int(n) + 1, hash: n, in: tx) == .new)
            }
            // The same key later in the same chunk.
            #expect(
                try store.insert(key(1_010, 10), item: item, line: 900, hash: 10, in: tx)
                    == .seen(location: "messages/a.jsonl:11", hash: 10))
            try store.commitChunk(tx)
        }
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            // In the stored block, whatever its content hash.
            #expect(
                try store.insert(key(1_499, 499), item: item, line: 901, hash: 77, in: tx)
                    == .seen(location: "messages/a.jsonl:500", hash: 499))
            // Same time, another fingerprint: new.
            #expect(
                try store.insert(HistoryKey(time: 1_499, fingerprint: 1), item: item, line: 902, hash: 0, in: tx)
                    == .new)
            try store.commitChunk(tx)
        }
        // A new process: the filter is rebuilt from the stored blocks.
        let restarted = HistoryKeyStore(expectedKeys: 1000)
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            for n in stride(from: Int64(0), to: 500, by: 7) {
                #expect(
                    try restarted.insert(key(1_000 + n, n), item: item, line: 1_000, hash: n, in: tx)
                        == .seen(location: "messages/a.jsonl:\(n + 1)", hash: n))
            }
            #expect(
                try restarted.insert(HistoryKey(time: 1_499, fingerprint: 1), item: item, line: 1_001, hash: 0, in: tx)
                    == .seen(location: "messages/a.jsonl:902", hash: 0))
            #expect(try restarted.insert(key(5_000, 1), item: item, line: 1_002, hash: 0, in: tx) == .new)
        }
    }

    @Test func aChunkThatDidNotCommitLeavesNoKeys() async throws {
        let (database, item) = try await database()
        let store = HistoryKeyStore(expectedKeys: 100)
        struct Killed: Error {}
        #expect(throws: Killed.self) { () throws in
            try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
                #expect(try store.insert(key(1, 1), item: item, line: 1, hash: 1, in: tx) == .new)
                try store.commitChunk(tx)
                throw Killed()
            }
        }
        store.rollBack()
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            #expect(try store.insert(key(1, 1), item: item, line: 1, hash: 1, in: tx) == .new)
        }
    }

    @Test func keysOutOfTimeOrderAcrossManyBlocksAreAllFound() async throws {
        let (database, item) = try await database()
        // A small filter on purpose: many false alarms, each checked against the blocks.
        let store = HistoryKeyStore(expectedKeys: 1)
        var generator = SystemRandomNumberGenerator()
        let times = (0..<3_000).map { _ in Int64.random(in: 1...1_000_000, using: &generator) }
        var firstLine: [HistoryKey: Int] = [:]
        for chunk in stride(from: 0, to: times.count, by: 250) {
            try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
                for index in chunk..<(chunk + 250) {
                    let k = key(times[index], times[index] % 5)
                    let result = try store.insert(k, item: item, line: index + 1, hash: 0, in: tx)
                    if let first = firstLine[k] {
                        #expect(result == .seen(location: "messages/a.jsonl:\(first)", hash: 0))
                    } else {
                        #expect(result == .new)
                        firstLine[k] = index + 1
                    }
                }
                try store.commitChunk(tx)
            }
        }
        // Every key again: each is found where it was first seen.
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            for (k, line) in firstLine {
                #expect(
                    try store.insert(k, item: item, line: 9_999, hash: 0, in: tx)
                        == .seen(location: "messages/a.jsonl:\(line)", hash: 0))
            }
        }
    }

    @Test func p2pAndTeamKeysAtTheSameTimesAreKeptApart() async throws {
        let (database, item) = try await database()
        let store = HistoryKeyStore(expectedKeys: 1000)
        func team(_ time: Int64, _ n: Int64) -> HistoryKey {
            HistoryKey(time: time, fingerprint: n &* 7_919 &+ 1, team: true)
        }
        // A p2p file, then a team file over the same times, then both again.
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            for n in Int64(0)..<300 {
                #expect(try store.insert(key(1_000 + n, n), item: item, line: Int(n) + 1, hash: n, in: tx) == .new)
            }
            try store.commitChunk(tx)
        }
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            // Team keys in reverse time order: each is checked against this chunk's earlier keys.
            for n in stride(from: Int64(299), through: 0, by: -1) {
                #expect(try store.insert(team(1_000 + n, n), item: item, line: 1_000 + Int(n), hash: n, in: tx) == .new)
            }
            #expect(
                try store.insert(team(1_000 + 7, 7), item: item, line: 2_000, hash: 7, in: tx)
                    == .seen(location: "messages/a.jsonl:1007", hash: 7))
            try store.commitChunk(tx)
        }
        try database.historyChunk(plan: false) { (tx: HistoryTransaction) throws -> Void in
            #expect(
                try store.insert(team(1_000 + 42, 42), item: item, line: 3_000, hash: 0, in: tx)
                    == .seen(location: "messages/a.jsonl:1042", hash: 42))
            #expect(
                try store.insert(key(1_000 + 42, 42), item: item, line: 3_001, hash: 0, in: tx)
                    == .seen(location: "messages/a.jsonl:43", hash: 42))
            #expect(try store.insert(team(2_000, 1), item: item, line: 3_002, hash: 0, in: tx) == .new)
            #expect(
                try store.insert(team(2_000, 1), item: item, line: 3_003, hash: 0, in: tx)
                    == .seen(location: "messages/a.jsonl:3002", hash: 0))
        }
    }

    @Test func theFilterNeverForgetsAKey() {
        var filter = BloomFilter(bits: 1 << 12)
        var generator = SystemRandomNumberGenerator()
        let hashes = (0..<2_000).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
        for hash in hashes { filter.insert(hash) }
        #expect(hashes.allSatisfy(filter.mayContain))
        let empty = BloomFilter(bits: 1 << 12)
        #expect(!hashes.contains(where: empty.mayContain))
    }

    @Test func timeRangesMergeAndAnswer() {
        var ranges = TimeRanges()
        ranges.insert(10...20)
        ranges.insert(40...50)
        ranges.insert(30...35)
        #expect(ranges.ranges == [10...20, 30...35, 40...50])
        #expect(ranges.contains(10) && ranges.contains(33) && ranges.contains(50))
        #expect(!ranges.contains(9) && !ranges.contains(25) && !ranges.contains(51))
        ranges.insert(15...45)
        #expect(ranges.ranges == [10...50])
    }

    @Test func stringTableGrowsAndEmpties() {
        var table = StringTable<Int>(capacity: 4)
        for n in 0..<1_000 { table["user\(n)"] = n }
        table["user7"] = -7
        #expect(table.count == 1_000)
        #expect((0..<1_000).allSatisfy { table["user\($0)"] == ($0 == 7 ? -7 : $0) })
        #expect(table["user1000"] == nil)
        table.removeAll()
        #expect(table.count == 0 && table["user1"] == nil)
    }
}
