internal import GRDB

/// One recent session of one user.
public struct SessionEntry: Sendable, Equatable, Codable {
    /// 1 p2p, 2 team (NIM's conversation types).
    public var type: Int
    public var target: String
    public var updateTime: Int64
    public var lastMsg: String?
    /// Messages of the migrated history in this session.
    public var count: Int
}

/// Writes of the sessions build, one transaction per batch.
public final class SessionTransaction {
    let db: Database

    init(db: Database) {
        self.db = db
    }

    /// A message of the history: the session gets newer (when it is) and one more message.
    public func addMessage(owner: String, type: Int, target: String, time: Int64, summary: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO session (owner, type, target, update_time, last_msg, count) VALUES (?, ?, ?, ?, ?, 1)
                ON CONFLICT (owner, type, target) DO UPDATE SET count = count + 1,
                last_msg = CASE WHEN excluded.update_time >= update_time THEN excluded.last_msg ELSE last_msg END,
                update_time = max(update_time, excluded.update_time)
                """
        ).execute(arguments: [owner, type, target, time, summary])
    }

    /// A team message, counted once per team and spread over its members later.
    public func addTeamMessage(tid: String, time: Int64, summary: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO team_activity (tid, update_time, last_msg, count) VALUES (?, ?, ?, 1)
                ON CONFLICT (tid) DO UPDATE SET count = count + 1,
                last_msg = CASE WHEN excluded.update_time >= update_time THEN excluded.last_msg ELSE last_msg END,
                update_time = max(update_time, excluded.update_time)
                """
        ).execute(arguments: [tid, time, summary])
    }

    /// A pre-migration session: kept when it is newer than what the history says.
    public func addKnownSession(owner: String, type: Int, target: String, time: Int64, lastMsg: String?) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO session (owner, type, target, update_time, last_msg, count) VALUES (?, ?, ?, ?, ?, 0)
                ON CONFLICT (owner, type, target) DO UPDATE SET
                last_msg = CASE WHEN excluded.update_time > update_time THEN excluded.last_msg ELSE last_msg END,
                update_time = max(update_time, excluded.update_time)
                """
        ).execute(arguments: [owner, type, target, time, lastMsg])
    }

    /// Gives every member of a team the team's session.
    public func spreadTeam(tid: String, members: [String]) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT update_time, last_msg, count FROM team_activity WHERE tid = ?", arguments: [tid])
        else { return }
        let time: Int64 = row["update_time"]
        let last: String? = row["last_msg"]
        let count: Int = row["count"]
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO session (owner, type, target, update_time, last_msg, count) VALUES (?, 2, ?, ?, ?, ?)
                ON CONFLICT (owner, type, target) DO UPDATE SET count = excluded.count,
                last_msg = CASE WHEN excluded.update_time >= update_time THEN excluded.last_msg ELSE last_msg END,
                update_time = max(update_time, excluded.update_time)
                """)
        for member in members { try statement.execute(arguments: [member, tid, time, last, count]) }
    }

    /// The user behind a source reference.
    public func resolveUser(_ reference: String) throws -> UserResolution {
        try StateDatabase.resolveUser(reference, in: db)
    }

    /// The new id of an old one.
    public func newID(_ kind: IDKind, old: String) throws -> String? {
        try StateDatabase.newID(kind, old: old, in: db)
    }
}

extension StateDatabase {
    /// One batch of the sessions build in one transaction.
    public func sessionBatch<T>(_ body: (SessionTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(SessionTransaction(db: db)) }
    }

    /// Empties the sessions tables (each build starts afresh from the history).
    public func clearSessions() throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM session; DELETE FROM team_activity;") }
    }

    /// Streams every user's sessions, newest first, at most `limit` each.
    public func forEachUserSessions(limit: Int, _ body: (String, [SessionEntry]) throws -> Void) throws {
        try pool.read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql:
                    "SELECT owner, type, target, update_time, last_msg, count FROM session ORDER BY owner, update_time DESC, type, target"
            )
            var owner: String?
            var entries: [SessionEntry] = []
            while let row = try cursor.next() {
                let rowOwner: String = row["owner"]
                if rowOwner != owner {
                    if let owner { try body(owner, entries) }
                    owner = rowOwner
                    entries.removeAll(keepingCapacity: true)
                }
                if entries.count < limit {
                    entries.append(
                        SessionEntry(
                            type: row["type"], target: row["target"], updateTime: row["update_time"],
                            lastMsg: row["last_msg"],
                            count: row["count"]))
                }
            }
            if let owner { try body(owner, entries) }
        }
    }
}
