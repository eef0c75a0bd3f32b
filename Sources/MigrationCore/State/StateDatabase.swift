internal import Foundation
internal import GRDB

/// The durable state of one pipeline: `state/NAME.sqlite`.
///
/// Every outcome is written here in the same breath as it happens, and every report reads only
/// from here. WAL mode with `synchronous=NORMAL`: a committed transaction survives a killed process
/// (not a power cut, which this tool does not promise), and a transaction cut short by a kill is
/// rolled back by SQLite on the next open. Writes are batched into transactions by the callers.
public final class StateDatabase: Sendable {
    /// A WAL-mode pool on a file; a queue in memory for tests (``inMemory()``).
    let pool: any DatabaseWriter
    /// Milliseconds since the epoch, for the timestamps stored in rows.
    let now: @Sendable () -> Int64

    /// Opens (creating if needed) the state database at `path` and migrates its schema.
    public init(path: String, now: @escaping @Sendable () -> Int64 = StateDatabase.wallClockMillis) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // The writer keeps 32 MiB of pages (SQLite's default is 2 MiB): registering a million items
        // inserts into key indexes at random places, and with the default most of those inserts
        // read a page back from the file (issue 27). A cap, not a size: memory stays flat.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)") }
        self.now = now
        try Self.migrator.migrate(pool)
    }

    /// A database in memory, migrated like a file's, for tests (GRDB's `AppDatabase(dbWriter)`).
    public static func inMemory(now: @escaping @Sendable () -> Int64 = StateDatabase.wallClockMillis) throws
        -> StateDatabase
    {
        try StateDatabase(writer: DatabaseQueue(), now: now)
    }

    private init(writer: any DatabaseWriter, now: @escaping @Sendable () -> Int64) throws {
        pool = writer
        self.now = now
        try Self.migrator.migrate(writer)
    }

    /// The writer's page cache: 32 MiB (`PRAGMA cache_size`, negative: KiB).
    static let cacheSize = -32768

    /// The default row timestamp source.
    public static let wallClockMillis: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The file this database lives in.
    public var path: String { pool.path }

    // MARK: Runs

    /// Starts a run record and returns its id.
    public func beginRun(mode: String, options: String) async throws -> Int64 {
        let time = now()
        return try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO run (mode, options, started_at) VALUES (?, ?, ?)", arguments: [mode, options, time])
            return db.lastInsertedRowID
        }
    }

    /// Closes a run record with its outcome.
    public func endRun(_ id: Int64, outcome: String) async throws {
        let time = now()
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE run SET ended_at = ?, outcome = ? WHERE id = ?", arguments: [time, outcome, id])
        }
    }

    /// Records that a stage started (or restarted) within a run.
    public func beginStage(_ stage: StageID, run: Int64) async throws {
        let time = now()
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO stage_run (run_id, stage, started_at, status) VALUES (?, ?, ?, 'running')
                    ON CONFLICT(run_id, stage) DO UPDATE SET started_at = excluded.started_at, status = 'running'
                    """, arguments: [run, stage.rawValue, time])
        }
    }

    /// Records that a stage ended within a run (`finished` or `interrupted`).
    public func endStage(_ stage: StageID, run: Int64, status: String) async throws {
        let time = now()
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE stage_run SET ended_at = ?, status = ? WHERE run_id = ? AND stage = ?",
                arguments: [time, status, run, stage.rawValue])
        }
    }

    // MARK: Stage checkpoints

    /// A stage's named checkpoint value (e.g. the fingerprint of the source it registered).
    public func checkpoint(_ stage: StageID, _ key: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT value FROM checkpoint WHERE stage = ? AND key = ?", arguments: [stage.rawValue, key])
        }
    }

    /// Sets a stage's named checkpoint value in its own transaction.
    public func setCheckpoint(_ stage: StageID, _ key: String, _ value: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO checkpoint (stage, key, value) VALUES (?, ?, ?)",
                arguments: [stage.rawValue, key, value])
        }
    }
}
