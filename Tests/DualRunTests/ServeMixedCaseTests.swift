import Foundation
import GRDB
import MigrationCore
import Testing

@testable import DualRun

/// Old user ids are case-insensitive (Easemob's user names; NIM lower-cases accids): serve keys,
/// matches and orders by them as one user however the old server spells them.
@Suite struct ServeMixedCaseTests {
    static let t0 = ServeEventsTests.t0

    @Test func oneUserSpelledThreeWaysIsOneKeyOneConversationOneScope() throws {
        func message(_ from: String, _ to: String) throws -> SourceMessage {
            try SourceMessage.read(JSONValue.parse(Data(ServeFixture.p2p(7, from: from, to: to, text: "x").utf8))).get()
        }
        let spellings = try [message("Nia_n00", "sue_18"), message("nia_n00", "SUE_18"), message("NIA_N00", "Sue_18")]
        #expect(Set(spellings.map(\.key)) == ["7|nia_n00|sue_18|1700000000000"])
        #expect(Set(spellings.map(\.conversation)).count == 1)
        func event(_ type: String, _ fields: String) throws -> OldEvent {
            try OldEvent.read(JSONValue.parse(Data(ServeEventsTests.event("e", 1, type, fields).utf8))).get()[0].0
        }
        let recall = try event(
            "message.recalled", #""msgid":7,"from":"nIA_n00","to":"sUe_18","createTime":1700000000000"#)
        #expect(recall.target == spellings[0].key)
        #expect(recall.scope == spellings[0].conversation)
        func scope(_ type: String, _ fields: String) throws -> Scope { try event(type, fields).scope }
        let pair = try scope("friend.added", #""accid":"Nia_n00","faccid":"sue_18""#)
        #expect(try scope("friend.removed", #""accid":"SUE_18","faccid":"nia_N00""#) == pair)
        #expect(try scope("block.added", #""accid":"sue_18","targetAcc":"NIA_n00""#) == pair)
        #expect(pair.messages == spellings[0].conversation)
        #expect(
            try scope("user.created", #""user":{"accid":"Nia_n00"}"#)
                == scope("user.updated", #""user":{"accid":"nia_N00"}"#))
    }

    /// The issue's case: a message posted as `nia_n00` and recalled as `Nia_n00`, p2p and team, sent
    /// first or still queued.
    @Test func aRecallSpelledOtherwiseThanItsMessageIsApplied() async throws {
        try await ServeFixture.with { fixture in
            let now = StateDatabase.wallClockMillis()
            try await fixture.post([
                ServeFixture.p2p(31, from: "user0", to: "USER1", text: "p2p oops", time: now),
                ServeFixture.team(32, from: "User2", text: "team oops", time: now),
                ServeFixture.p2p(33, from: "User0", to: "User1", text: "kept", time: now + 1),
            ])
            _ = try await fixture.drained()
            try await fixture.postEvents([
                ServeEventsTests.event(
                    "r1", 100, "message.recalled", #""msgid":31,"from":"USER0","to":"user1","createTime":\#(now)"#),
                ServeEventsTests.event(
                    "r2", 101, "message.recalled", #""msgid":32,"from":"uSER2","gid":"g1","createTime":\#(now)"#),
            ])
            let health = try await fixture.drained()
            let listed = try await fixture.call("GET", "/failed").json.text
            #expect(health["failed"]?.int == 0 && health["events_applied"]?.int == 2, "\(health.text) \(listed)")
            let recalled = Dictionary(
                try await fixture.nimMessages().map { ($0["body"]?.string ?? "", $0["recalled"]?.bool ?? false) },
                uniquingKeysWith: { a, _ in a })
            #expect(recalled.count == 3)
            for (body, flag) in recalled { #expect(flag == !body.contains("kept"), "\(body)") }
        }
    }

    @Test func aQueuedMessageRecalledInAnotherSpellingIsNeverSent() async throws {
        try await ServeFixture.with { fixture in
            let now = StateDatabase.wallClockMillis()
            try await fixture.post([ServeFixture.p2p(41, from: "User0", to: "LATER", text: "regret", time: now)])
            try await fixture.postEvents([
                ServeEventsTests.event(
                    "r", 5, "message.recalled", #""msgid":41,"from":"user0","to":"later","createTime":\#(now)"#),
                ServeEventsTests.event("u", 6, "user.created", #""user":{"accid":"Later"}"#),
            ])
            let health = try await fixture.drained()
            #expect(health["failed"]?.int == 0, "\(health.text)")
            #expect(try await fixture.nimMessages().isEmpty)
            // The same message posted again in a third spelling is a duplicate, not a new one.
            let again = try await fixture.post([
                ServeFixture.p2p(41, from: "USER0", to: "Later", text: "regret", time: now)
            ])
            #expect(again["duplicates"]?.int == 1, "\(again.text)")
        }
    }

    /// A store written before serve folded user ids (its keys in the case they were posted in)
    /// finds its messages in any spelling once opened by this version.
    @Test func aStoreWrittenBeforeFoldingFindsItsMessagesInAnySpelling() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-old-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let queue = try DatabaseQueue(path: path)
            try ServeStore.migrator.migrate(queue, upTo: "serve-v2-events")
            try await queue.write { db in
                for (seq, key, conv) in [
                    (1, "51|Nia_n00|sue_18|1700000000000", "p|nia_n00|sue_18"),
                    (2, "52|Nia_n00|tG1|1700000000001", "t|G1"),
                    (3, "53|tom|Tina|1700000000002", "p|tina|tom"),
                    // The old bug: one message stored twice under two spellings.
                    (4, "54|AB|cd|1700000000003", "p|ab|cd"), (5, "54|ab|CD|1700000000003", "p|ab|cd"),
                ] {
                    try db.execute(
                        sql: """
                            INSERT INTO inbox (seq, source_key, conv, raw, create_time, received_at, status)
                            VALUES (?, ?, ?, '{}', 0, 0, 2)
                            """, arguments: [seq, key, conv])
                }
                try db.execute(
                    sql: """
                        INSERT INTO event (event_id, type, time, scope, body, target_key, received_at, status)
                        VALUES ('r', 'message.recalled', 1, 'p|nia_n00|sue_18', '{}', '51|NIA_n00|Sue_18|1700000000000', 0, 0)
                        """)
            }
        }
        let store = try ServeStore(path: path)
        #expect(try await store.inboxEntry("51|nia_n00|sue_18|1700000000000")?.seq == 1)
        #expect(try await store.inboxEntry("52|nia_n00|tG1|1700000000001")?.seq == 2, "the gid keeps its case")
        #expect(try await store.inboxEntry("53|tom|tina|1700000000002")?.seq == 3, "a p2p `to` starting with t")
        #expect(try await store.inboxEntry("54|ab|cd|1700000000003") != nil)
        #expect(try await store.isRecalled("51|nia_n00|sue_18|1700000000000"))
    }
}
