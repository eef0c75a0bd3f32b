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

/// The members of a line read without building the line's objects, as a parsed object would give them.
@Suite struct MessageFieldsTests {
    private func read(_ text: String) -> MessageFields? {
        var text = text
        return text.withUTF8 { MessageFields.read($0) }
    }

    @Test func aMemberGivenTwiceCountsWithItsLastValue() throws {
        let fields = try #require(read(#"{"type":1,"data":{"body":"a","body":"b"},"type":"0"}"#))
        #expect(fields.body == .string("b"))
        #expect(fields.type == .string("0"))
    }

    @Test func aLaterDataReplacesAnEarlierOneWhole() throws {
        let replaced = try #require(read(#"{"data":{"body":"a","msgid":1},"data":{"to":"x"}}"#))
        #expect(replaced.hasData && replaced.body == nil && replaced.msgid == nil && replaced.to == .string("x"))
        let notAnObject = try #require(read(#"{"data":{"body":"a"},"data":[]}"#))
        #expect(!notAnObject.hasData && notAnObject.body == nil)
    }

    @Test func accidsReadInPlaceOrDecodedCountWithTheirLastValue() throws {
        func inPlace(_ text: String, _ check: (MessageFields) -> Void) throws {
            var text = text
            let fields = try #require(text.withUTF8 { MessageFields.read($0, verbatim: true) })
            check(fields)
        }
        try inPlace(#"{"data":{"from":"Li_Na","to":"b\u0043","accid":"x","accid":7}}"#) { fields in
            #expect(fields.fromText?.string == "Li_Na" && fields.from == .string("Li_Na"))
            #expect(fields.toText == nil && fields.to == .string("bC"))
            #expect(fields.accidText == nil && fields.accid == .int(7))
        }
        try inPlace(#"{"data":{"to":"b\u0043","to":"plain"}}"#) { fields in
            #expect(fields.toText?.string == "plain" && fields.to == .string("plain"))
        }
        // Not in place: parsed as before.
        let decoded = try #require(read(#"{"data":{"from":"Li_Na"}}"#))
        #expect(decoded.fromText == nil && decoded.from == .string("Li_Na"))
    }

    @Test func anAttachObjectAndALaterAttachCountWithTheLastValue() throws {
        let object = try #require(read(#"{"data":{"attach":{"url":"u","w":1,"url":"v"}}}"#))
        #expect(object.attachObject?.json == .object(["url": .string("v"), "w": .int(1)]) && object.attach == nil)
        let string = try #require(read(#"{"data":{"attach":{"url":"u"},"attach":"{}"}}"#))
        #expect(string.attachObject == nil && string.attach == .string("{}"))
        let again = try #require(read(#"{"data":{"attach":"{}","attach":{"url":"u"}}}"#))
        #expect(again.attachObject?.json == .object(["url": .string("u")]) && again.attach == nil)
    }

    @Test func escapedKeysOtherMembersAndBrokenTextAreReadAsJSON() throws {
        let fields = try #require(
            read(#"{"fetch":{"headers":[1,{"a":null}]},"data":{"b\u006fdy":"x\"y","extra":[true]}}"#))
        #expect(fields.body == .string("x\"y"))
        #expect(fields.fetch == .object(["headers": .array([.int(1), .object(["a": .null])])]))
        let laterData = try #require(read(#"{"fetch":{"local":"f"},"data":{"body":"a"},"data":{"to":"x"}}"#))
        #expect(laterData.fetch == .object(["local": .string("f")]) && laterData.body == nil)
        #expect(read(#"[{"data":{}}]"#) == nil)
        #expect(read(#"{"data":{"body":"a"}} trailing"#) == nil)
        #expect(read(#"{"data":{"body":"a\q"}}"#) == nil)
        #expect(read(#"{"data":{"body":"a""#) == nil)
    }
}

/// The line writer against Foundation's parser: whatever the text, the line reads back as written.
@Suite struct HistoryLineTests {
    @Test func everyStringAndNumberReadsBack() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "/", "中", "😀", " ", "é"]
        func text() -> String {
            String(
                (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for round in 0..<300 {
            var message = HistoryMessage(
                type: round % 2 == 0 ? 0 : 107, msgid: Int64.random(in: 0...Int64.max, using: &generator),
                createTime: Int64.random(in: 1...9_999_999_999_999, using: &generator), clientType: 16,
                conversation: round % 2 == 0 ? .p2p(from: text(), to: text()) : .team(accid: text(), tid: "123"))
            message.body = text()
            message.ext = round % 3 == 0 ? nil : text()
            message.attach = .object(["name": .string(text()), "size": .int(Int64(round)), "url": .string(text())])
            if round % 2 == 1 { message.tinfo = ["15": .string(text()), "tid": .int(123)] }
            let line = message.line
            let parsed = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let data = try #require(parsed["data"] as? [String: Any])
            #expect(data["body"] as? String == message.body)
            #expect(data["ext"] as? String == message.ext)
            #expect((data["msgid"] as? NSNumber)?.int64Value == message.msgid)
            #expect((data["createTime"] as? NSNumber)?.int64Value == message.createTime)
            let attach = try #require((data["attach"] as? String)?.data(using: .utf8))
            #expect(try JSONValue.parse(attach) == message.attach)
            if case .p2p(let from, let to) = message.conversation {
                #expect(data["from"] as? String == from && data["to"] as? String == to)
            } else {
                #expect((data["tinfo"] as? [String: Any])?["15"] as? String == message.tinfo?["15"]?.string)
            }
        }
    }
}

/// The history pass's lookups: each reference resolved once, every kind of answer kept exactly.
@Suite struct ReferenceCacheTests {
    @Test func eachReferenceIsResolvedOnceAndAnsweredAsResolved() {
        let cache = ReferenceCache(limit: 3)
        let answers: [String: UserResolution] = [
            "Li_Na": .migrated("li_na"), "wang": .migrated("wang"), "ZHÄO": .migrated("zhäo"),
            "Other": .migrated("renamed"), "bad id": .invalid, "Twin": .colliding,
        ]
        var resolved: [String: Int] = [:]
        for round in 0..<3 {
            for (reference, answer) in answers.sorted(by: { $0.key < $1.key }) {
                let got = cache.user(reference) {
                    resolved[reference, default: 0] += 1
                    return answer
                }
                #expect(got == answer, "round \(round): \(reference)")
            }
            #expect(cache.user("nobody") { .unknown } == .unknown)
        }
        // A limit of 3 empties a table when it fills: more lookups, never a wrong answer.
        #expect(resolved.values.allSatisfy { $0 >= 1 })
        let roomy = ReferenceCache()
        var calls = 0
        for _ in 0..<5 {
            _ = roomy.user("Li_Na") {
                calls += 1; return .migrated("li_na")
            }
        }
        #expect(calls == 1)
    }

    @Test func theShortcutForReferencesReadInPlaceAgreesWithTheLookup() {
        let cache = ReferenceCache()
        let answers: [String: UserResolution] = [
            "Li_Na": .migrated("li_na"), "ZHÄO": .migrated("zhäo"), "Other": .migrated("renamed"), "bad id": .invalid,
        ]
        func plain(_ reference: String) -> String? {
            var reference = reference
            return reference.withUTF8 { cache.plainUser(PlainText($0)) }
        }
        // Nothing is known before a lookup.
        #expect(plain("Li_Na") == nil)
        for (reference, answer) in answers { _ = cache.user(reference) { answer } }
        #expect(plain("Li_Na") == "li_na")
        // Only ASCII is lower-cased by the shortcut; the rest, and other answers, go to the lookup.
        #expect(plain("ZHÄO") == nil && plain("Other") == nil && plain("bad id") == nil && plain("li_na") == nil)
    }
}

/// The attachment kept in key order writes what the same object as a dictionary writes.
@Suite struct AttachObjectTests {
    @Test func itsTextIsTheDictionarysWhateverTheKeysAndChanges() throws {
        var generator = SystemRandomNumberGenerator()
        let keys = [
            "url", "w", "h", "ext", "name", "md5", "size", "dur", "Z", "é", "e\u{301}x", "e\u{301}", "中", "", "a\"b",
        ]
        for _ in 0..<300 {
            var object = AttachObject()
            var dictionary: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...10, using: &generator) {
                let key = keys.randomElement(using: &generator)!
                let value: JSONValue? =
                    Bool.random(using: &generator)
                    ? .int(Int64.random(in: -5...5, using: &generator))
                    : Bool.random(using: &generator) ? .string(key + "!") : nil
                object[key] = value
                dictionary[key] = value
            }
            var text: [UInt8] = []
            object.write(into: &text)
            #expect(String(decoding: text, as: UTF8.self) == JSONValue.object(dictionary).text)
            #expect(object.json == .object(dictionary))
            for key in keys { #expect(object[key] == dictionary[key]) }
            // Read back from its text: the same members.
            #expect(AttachObject(parsing: String(decoding: text, as: UTF8.self)) == object)
        }
        #expect(AttachObject(parsing: "[1]") == nil)
        #expect(AttachObject(parsing: #"{"a":1} x"#) == nil)
        #expect(AttachObject(parsing: #"{"a":1,"a":2}"#)?["a"] == .int(2))
    }
}

/// `body` and `ext` copied as they lie in the line give the line their decoding would.
@Suite struct VerbatimTextTests {
    @Test func theLineIsTheSameReadInPlaceOrDecoded() {
        let normalizer = HistoryNormalizer(
            mapping: .init(user: { .migrated($0.lowercased()) }, team: { _ in nil }, file: { _ in nil }))
        let bodies: [[UInt8]] = [
            Array(#"plain 中文 😀"#.utf8), Array(#"q\"b\\n\n\r\t"#.utf8), Array(#"\u4e2d\/x\b\f\u0001"#.utf8),
            [0x61, 0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0xFF], [0xC3, 0xA9],
            [0xF0, 0x9F, 0x98, 0x80], [0xE0, 0x9F, 0x80], [0xEF, 0xBF, 0xBD],
        ]
        for body in bodies {
            let line: [UInt8] =
                Array(#"{"data":{"ext":""#.utf8) + body + Array(#"","createTime":1513685265481,"msgid":1,"#.utf8)
                + Array(#""from":"a","to":"b","body":""#.utf8) + body + Array(#""},"type":0}"#.utf8)
            let decoded = normalizer.normalize(Data(line))
            let inPlace = line.withUnsafeBufferPointer { bytes -> String? in
                guard case .message(let message, _, _) = normalizer.normalize(bytes, verbatim: true) else { return nil }
                return message.line
            }
            guard case .message(let message, _, _) = decoded else {
                Issue.record("rejected: \(body)")
                continue
            }
            #expect(inPlace == message.line, "\(body)")
        }
    }
}

/// The stable hash is stored (key blocks): it must never change. Checked against the plain
/// byte-by-byte form of its definition for every length up to 40.
@Suite struct StableHasherTests {
    private static func reference(_ bytes: [UInt8]) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func combine(_ word: UInt64) {
            state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
            state = (state << 31) | (state >> 33)
        }
        var offset = 0
        while offset + 8 <= bytes.count {
            var word: UInt64 = 0
            for index in 0..<8 { word |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            combine(word)
            offset += 8
        }
        var tail: UInt64 = 0
        for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << (8 * UInt64(index - offset)) }
        combine(tail)
        combine(UInt64(bytes.count))
        var h = state
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    @Test func everyLengthHashesAsDefined() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let hash = bytes.withUnsafeBytes { StableHasher.hash($0) }
                #expect(UInt64(bitPattern: hash) == Self.reference(bytes), "length \(length)")
                let text = String(decoding: bytes.map { $0 & 0x7F }, as: UTF8.self)
                #expect(StableHasher.hash(text) == Self.reference(bytes.map { $0 & 0x7F }))
            }
        }
    }
}
