import Foundation
import Testing

@testable import MigrationCore

/// Registration passes (issue 27): gathered in a TEMP table, settled in key order in one transaction.
@Suite struct RegistrationTests {
    private func fileDatabase() throws -> StateDatabase {
        try StateDatabase(path: try temporaryDirectory() + "/state.sqlite")
    }

    private func item(_ key: String, line: Int, payload: String? = nil) -> NewWorkItem {
        NewWorkItem(key: key, kind: "t", payload: payload, sourceFile: "f.jsonl", sourceLine: line)
    }

    @Test func aPassKeepsEachKeysFirstLineAndLeavesKnownItemsAsTheyAre() async throws {
        let db = try fileDatabase()
        try await db.register([item("a", line: 9)], stage: .users)
        let known = try #require(try await db.item(stage: .users, key: "a"))
        try await db.complete([(known.id, .done(result: "made"))])

        let pass = try await db.beginRegistration()
        try await pass.add([item("c", line: 1, payload: "first"), item("a", line: 2)])
        try await pass.add([item("b", line: 3), item("c", line: 4, payload: "again")])
        #expect(try await db.counts()[.users]?.total == 1, "nothing is a work item before the pass settles")
        #expect(try await pass.settle(stage: .users) == 2)

        let a = try #require(try await db.item(stage: .users, key: "a"))
        #expect(a.id == known.id && a.status == .done && a.result == "made" && a.sourceLine == 9)
        let b = try #require(try await db.item(stage: .users, key: "b"))
        let c = try #require(try await db.item(stage: .users, key: "c"))
        #expect(c.sourceLine == 1 && c.payload == "first", "a key listed twice keeps its first line")
        #expect(known.id < b.id && b.id < c.id, "new ids follow the keys, after the known ones")
        #expect(try await db.counts()[.users]?.total == 3)
    }

    @Test func aPassThatStoppedHalfWayLeavesNothingToTheNext() async throws {
        let db = try fileDatabase()
        let abandoned = try await db.beginRegistration()
        try await abandoned.add([item("x", line: 1)])  // its stage failed before settling
        let pass = try await db.beginRegistration()
        try await pass.add([item("y", line: 1)])
        #expect(try await pass.settle(stage: .relations) == 1)
        #expect(try await db.item(stage: .relations, key: "x") == nil)
        #expect(try await db.counts()[.relations]?.total == 1)
    }

    @Test func aBatchThatFailedToBeWrittenFailsThePass() async throws {
        let db = try fileDatabase()
        let pass = try await db.beginRegistration()
        try await db.pool.write { db in
            try db.execute(
                sql: """
                    CREATE TEMP TRIGGER boom BEFORE INSERT ON registration_pass WHEN NEW.key = 'boom'
                    BEGIN SELECT RAISE(ABORT, 'boom'); END
                    """)
        }
        for batch in 0..<20 { try await pass.add((0..<100).map { item("k\(batch)-\($0)", line: $0) }) }
        try await pass.add([item("boom", line: 1)])  // written after this returns
        await #expect(throws: (any Error).self) { try await pass.settle(stage: .users) }
        #expect(try await db.counts()[.users] == nil, "nothing of a failed pass becomes a work item")
    }

    @Test func payloadsAreWhatJSONEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func encoded(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        var tricky = "a/b \"q\" \\ é中😀\u{2028}\u{7f}"
        for byte in UInt8(0)..<0x20 { tricky.append(Character(UnicodeScalar(byte))) }
        let user = SourceUser(
            accid: "u/1", name: tricky, icon: "https://x/y.png", sign: nil, email: "", birth: nil, mobile: "1",
            gender: 2, ex: "{\"k\":1}", token: "t")
        #expect(user.json == (try encoded(user)))
        #expect(SourceUser(accid: "bare").json == (try encoded(SourceUser(accid: "bare"))))
        let alias = RelationsStage.AliasPayload(accid: "a", faccid: "b", alias: tricky, ex: nil)
        #expect(alias.json == (try encoded(alias)))
        let block = RelationsStage.BlockPayload(accid: "a", target: "b", relationType: 1)
        #expect(block.json == (try encoded(block)))
    }

    @Test(arguments: [0, 1, 100]) func userLookupAnswersAlikeWhateverItPreloads(limit: Int) async throws {
        for db in [try fileDatabase(), try temporaryDatabase()] {
            func row(_ original: String, _ status: SourceUserRow.Status) -> SourceUserRow {
                SourceUserRow(
                    original: original, nim: original.lowercased(), status: status, file: "users.jsonl", line: 1)
            }
            _ = try await db.insertSourceUsers([
                row("Alice", .ok), row("bob", .ok), row("Carl", .invalid), row("dave", .colliding), row("Eve", .ok),
                row("EVE", .ok),
            ])
            let lookup = try db.userLookup(plainLimit: limit)
            #expect(try lookup.resolve("Alice") == .migrated("alice"))
            #expect(try lookup.resolve("ALICE") == .migrated("alice"), "by case when only one account matches")
            #expect(try lookup.resolve("bob") == .migrated("bob"))
            #expect(try lookup.resolve("Carl") == .invalid)
            #expect(try lookup.resolve("dave") == .colliding)
            #expect(try lookup.resolve("eVe") == .unknown, "two accounts match by case: neither is meant")
            #expect(try lookup.resolve("Eve") == .migrated("eve"))
            #expect(try lookup.resolve("zed") == .unknown)
            #expect(try lookup.resolve("zed") == .unknown, "asked twice")
        }
    }
}
