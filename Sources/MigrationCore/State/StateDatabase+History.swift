internal import Foundation
internal import GRDB
internal import GRDBSQLite

/// One chunk of the history pass, inside a single write transaction: duplicate keys, problems,
/// the stage cursor and the id lookups all see and change the same state, atomically.
public final class HistoryTransaction {
    let db: Database
    let keyTable: String
    /// A dry run's pass: its problems are the plan's only.
    let dryRun: Bool

    init(db: Database, keyTable: String, dryRun: Bool) {
        self.db = db
        self.keyTable = keyTable
        self.dryRun = dryRun
    }

    /// What the key store said about a message key.
    public enum KeyInsert: Equatable {
        case new
        /// An earlier line has the same key: its location (`file:line`) and content hash.
        case seen(location: String, hash: Int64)
    }

    /// Stores a block of sorted key records (``HistoryKeyStore``); returns its row id.
    func appendKeyBlock(_ records: UnsafeRawBufferPointer, _ block: HistoryKeyStore.Block) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO \(keyTable) (min_time, max_time, count, keys) VALUES (?, ?, ?, ?)",
            arguments: [block.minTime, block.maxTime, block.count, Data(records)])
        return db.lastInsertedRowID
    }

    /// Every stored block of keys, in the order they were stored.
    func forEachKeyBlock(_ body: (HistoryKeyStore.Block, UnsafeRawBufferPointer) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, min_time, max_time, count, keys FROM \(keyTable) ORDER BY id")
        while let row = try rows.next() {
            let block = HistoryKeyStore.Block(
                id: row["id"], minTime: row["min_time"], maxTime: row["max_time"], count: row["count"])
            let keys: Data = row["keys"]
            try keys.withUnsafeBytes { try body(block, $0) }
        }
    }

    /// The record of `key` in a stored block: a binary search reading 32 bytes at a time.
    func findKey(_ key: HistoryKey, inBlock block: HistoryKeyStore.Block) throws -> HistoryKeyStore.Record? {
        var blob: OpaquePointer?
        let code = sqlite3_blob_open(db.sqliteConnection, "main", keyTable, "keys", block.id, 0, &blob)
        defer { sqlite3_blob_close(blob) }
        guard code == SQLITE_OK else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        let size = MemoryLayout<HistoryKeyStore.Record>.stride
        var record = HistoryKeyStore.Record(time: 0, fingerprint: 0, location: 0, hash: 0)
        var low = 0
        var high = block.count
        while low < high {
            let middle = (low + high) / 2
            let read = withUnsafeMutableBytes(of: &record) {
                sqlite3_blob_read(blob, $0.baseAddress, Int32(size), Int32(middle * size))
            }
            guard read == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: read)) }
            if (record.time, record.fingerprint) == (key.time, key.fingerprint) { return record }
            if (record.time, record.fingerprint) < (key.time, key.fingerprint) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return nil
    }

    /// `file:line` of a key record's location.
    func locationText(_ location: Int64) throws -> String {
        let file = try String.fetchOne(db, sql: "SELECT key FROM work_item WHERE id = ?", arguments: [location >> 32])
        return "\(file ?? "?"):\(location & 0xFFFF_FFFF)"
    }

    /// Records a problem of a line.
    public func record(_ problem: Problem) throws {
        try StateDatabase.insert(problem, dryRun: dryRun, in: db)
    }

    /// Adds a chunk's counts to a message file's account (`fresh`: the chunk starts the file, so
    /// the counts of an earlier, abandoned pass over it are replaced).
    public func addAccount(_ file: String, _ account: ElementAccount, fresh: Bool) throws {
        try StateDatabase.addAccount(layer: StageID.history.rawValue, file: file, account, replace: fresh, in: db)
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
        try pool.write { db in
            try body(
                HistoryTransaction(
                    db: db, keyTable: plan ? "plan_history_key_blocks" : "history_key_blocks", dryRun: plan))
        }
    }

    /// Forgets the dry run's keys (each plan starts afresh).
    public func clearPlanHistoryKeys() async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM plan_history_key_blocks; DELETE FROM problem WHERE dry_run = 1")
        }
    }
}
