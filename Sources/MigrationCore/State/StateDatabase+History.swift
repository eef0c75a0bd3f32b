internal import GRDB

/// One chunk of the history pass, inside a single write transaction: duplicate keys, problems,
/// the stage cursor and the id lookups all see and change the same state, atomically.
public final class HistoryTransaction {
    let db: Database
    let keyTable: String

    init(db: Database, keyTable: String) {
        self.db = db
        self.keyTable = keyTable
    }

    /// What the key store said about a message key.
    public enum KeyInsert: Equatable {
        case new
        /// An earlier line has the same key: its location and content hash.
        case seen(location: String, hash: Int64)
    }

    /// Records a message key, or returns the earlier line that has it.
    public func insertKey(_ key: String, location: String, hash: Int64) throws -> KeyInsert {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO \(keyTable) (key, location, hash) VALUES (?, ?, ?)")
            .execute(arguments: [key, location, hash])
        if db.changesCount > 0 { return .new }
        let select = try db.cachedStatement(sql: "SELECT location, hash FROM \(keyTable) WHERE key = ?")
        guard let row = try Row.fetchOne(select, arguments: [key]) else { return .new }
        return .seen(location: row["location"], hash: row["hash"])
    }

    /// Records a problem of a line.
    public func record(_ problem: Problem) throws {
        try StateDatabase.insert(problem, in: db)
    }

    /// Sets a stage checkpoint value.
    public func setCheckpoint(_ stage: StageID, _ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO checkpoint (stage, key, value) VALUES (?, ?, ?)",
            arguments: [stage.rawValue, key, value])
    }

    /// Where a source accid stands.
    public func resolveUser(_ reference: String) throws -> UserResolution {
        try StateDatabase.resolveUser(reference, in: db)
    }

    /// For a dry run: the tid of a group that is, or will be, migrated (a placeholder until it is).
    public func plannedTeam(_ gid: String) throws -> String? {
        if let tid = try newID(.team, old: gid) { return tid }
        let planned =
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM work_item WHERE stage = 'groups' AND key = ? AND status IN (0, 1)",
                arguments: ["team:\(gid)"]) ?? false
        return planned ? "gid:\(gid)" : nil
    }

    /// Records an old → new id pair.
    public func map(_ mapping: IDMapping) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO id_map (kind, old, new) VALUES (?, ?, ?)")
            .execute(arguments: [mapping.kind.rawValue, mapping.old, mapping.new])
    }

    /// The new id of an old one.
    public func newID(_ kind: IDKind, old: String) throws -> String? {
        try StateDatabase.newID(kind, old: old, in: db)
    }
}

extension StateDatabase {
    /// Runs one chunk of the history pass in one write transaction (blocking: the pass is a single
    /// sequential writer). `plan` keeps dry-run keys apart from the run's.
    public func historyChunk<T>(plan: Bool, _ body: (HistoryTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(HistoryTransaction(db: db, keyTable: plan ? "plan_history_key" : "history_key"))
        }
    }

    /// Forgets the dry run's keys (each plan starts afresh).
    public func clearPlanHistoryKeys() async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM plan_history_key") }
    }
}
