import GRDB
import Testing

@testable import DualRun

/// Migration `serve-v3-folded-user-ids` on a store written before serve folded old user ids.
@Suite struct ServeFoldedIDsTests {
    @Test func keysStoredInAnyCaseAreFoldedAndAGidIsLeftAsItIs() throws {
        let queue = try DatabaseQueue()
        try ServeStore.migrator.migrate(queue, upTo: "serve-v2-events")
        try queue.write { db in
            let inbox =
                "INSERT INTO inbox (source_key, conv, raw, create_time, received_at, status) VALUES (?, ?, '', 0, 0, 0)"
            try db.execute(sql: inbox, arguments: ["7|Nia_n00|SUE_18|1700", "p|nia_n00|sue_18"])
            try db.execute(sql: inbox, arguments: ["8|Nia_n00|G1|1700", "t|G1"])
            try db.execute(sql: inbox, arguments: ["7|nia_n00|sue_18|1700", "p|nia_n00|sue_18"])  // folded already
            let event = """
                INSERT INTO event (event_id, type, time, scope, body, target_key, received_at, status)
                VALUES (?, 'message.recalled', 0, ?, '{}', ?, 0, 0)
                """
            try db.execute(sql: event, arguments: ["e1", "p|nia_n00|sue_18", "7|NIA_n00|"])
            try db.execute(sql: event, arguments: ["e2", "t|G1", "8|Nia_N00|G1|1700"])
            try db.execute(sql: event, arguments: ["e3", "x|e3", nil])
        }
        try ServeStore.migrator.migrate(queue)
        let keys = try queue.read { db in try String.fetchAll(db, sql: "SELECT source_key FROM inbox ORDER BY seq") }
        let targets = try queue.read { db in try String?.fetchAll(db, sql: "SELECT target_key FROM event ORDER BY seq")
        }
        // The first row's folded key is already the third's (UNIQUE): it keeps its spelling.
        #expect(keys == ["7|Nia_n00|SUE_18|1700", "8|nia_n00|G1|1700", "7|nia_n00|sue_18|1700"])
        #expect(targets == ["7|nia_n00|", "8|nia_n00|G1|1700", nil])
    }
}
