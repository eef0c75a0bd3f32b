import Foundation
import GRDB

/// All emulator state in one SQLite database (a file, or memory when no path is given).
///
/// Every API call runs in one write transaction, so a call that fails part-way (a
/// ``NIMFailure`` thrown by the handler) rolls back and leaves the state as it was.
final class EmulatorStore: Sendable {
    /// The database connection (queue in memory, pool with WAL on disk).
    let writer: any DatabaseWriter

    /// Opens (and migrates) the state at `path`, or a fresh in-memory database.
    init(path: String?) throws {
        var configuration = Configuration()
        configuration.label = "NIMEmulator"
        if let path {
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        try Self.migrator.migrate(writer)
    }

    /// Runs `work` in one write transaction.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(work)
    }

    /// Runs `work` on a read-only snapshot.
    func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.read(work)
    }

    /// Deletes every row of every table (schema and migrations stay).
    func reset() async throws {
        try await writer.write { db in
            for table in Self.tables {
                try db.execute(sql: "DELETE FROM \(table)")
            }
        }
    }

    static let tables = [
        "users", "friends", "special_relations", "teams", "team_members", "files", "messages",
        "conversations", "counters", "calls",
    ]

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "users") { t in
                t.primaryKey("accid", .text)
                t.column("token", .text).notNull()
                for name in ["name", "icon", "sign", "email", "birth", "mobile", "ex", "props"] {
                    t.column(name, .text)
                }
                t.column("gender", .integer).notNull()
                t.column("createTime", .integer).notNull()
            }
            try db.create(table: "friends") { t in
                t.column("accid", .text).notNull()
                t.column("faccid", .text).notNull()
                t.column("alias", .text)
                t.column("ex", .text)
                t.column("serverex", .text)
                t.column("createTime", .integer).notNull()
                t.column("updateTime", .integer).notNull()
                t.primaryKey(["accid", "faccid"])
            }
            try db.create(table: "special_relations") { t in
                t.column("accid", .text).notNull()
                t.column("targetAcc", .text).notNull()
                t.column("relationType", .integer).notNull()
                t.primaryKey(["accid", "targetAcc", "relationType"])
            }
            try db.create(table: "teams") { t in
                t.primaryKey("tid", .integer)
                t.column("tname", .text).notNull()
                t.column("owner", .text).notNull()
                for name in ["intro", "announcement", "icon", "custom"] {
                    t.column(name, .text)
                }
                for name in [
                    "joinmode", "beinvitemode", "invitemode", "uptinfomode", "upcustommode", "teamMemberLimit",
                    "muteType", "createTime", "updateTime",
                ] {
                    t.column(name, .integer).notNull()
                }
            }
            try db.create(table: "team_members") { t in
                t.column("tid", .integer).notNull()
                t.column("accid", .text).notNull().indexed()
                t.column("role", .integer).notNull()
                t.column("muted", .boolean).notNull()
                t.column("joinTime", .integer).notNull()
                t.primaryKey(["tid", "accid"])
            }
            try db.create(table: "files") { t in
                t.primaryKey("id", .text)
                t.column("url", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("md5", .text).notNull()
                t.column("bytes", .blob).notNull()
                t.column("createTime", .integer).notNull()
            }
            try db.create(table: "messages") { t in
                t.primaryKey("msgid", .integer)
                t.column("sender", .text).notNull()
                t.column("ope", .integer).notNull()
                t.column("receiver", .text).notNull()
                t.column("type", .integer).notNull()
                t.column("body", .text).notNull()
                t.column("ext", .text)
                t.column("option", .text)
                t.column("msgidclient", .text).notNull()
                t.column("timetag", .integer).notNull()
            }
            try db.create(index: "messages_by_receiver", on: "messages", columns: ["ope", "receiver", "timetag"])
            try db.create(table: "conversations") { t in
                t.primaryKey("conversationId", .text)
                t.column("owner", .text).notNull().indexed()
                t.column("type", .integer).notNull()
                t.column("target", .text).notNull()
                t.column("createTime", .integer).notNull()
                t.column("updateTime", .integer).notNull()
            }
            try db.create(table: "counters") { t in
                t.primaryKey("name", .text)
                t.column("value", .integer).notNull()
            }
            try db.create(table: "calls") { t in
                t.primaryKey("endpoint", .text)
                t.column("count", .integer).notNull()
            }
        }
        // Never edit a shipped migration: later columns come in their own.
        migrator.registerMigration("v2-recall") { db in
            try db.alter(table: "messages") { t in t.add(column: "recalledAt", .integer) }
        }
        migrator.registerMigration("v3-blacklist") { db in
            try db.alter(table: "messages") { t in t.add(column: "blacklisted", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }
}
