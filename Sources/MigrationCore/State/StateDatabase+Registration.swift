internal import GRDB

/// Registration: the items a stage finds in the source become `work_item` rows, once each.
///
/// A pass gathers its batches in a TEMP table (appended to, no index; gone with the connection, so
/// a killed pass leaves nothing behind) and settles them in one transaction, in key order: the
/// `(stage, key)` index is then swept once from left to right and the table appended to, where
/// inserting a million items in source order put each key at a random place of an index larger
/// than the page cache (issue 27: most of the plan's time, and gigabytes written to the WAL).
/// Ids — the order items are worked in — therefore follow the keys within a pass, not the lines;
/// every item keeps its source file and line.
///
/// Items already known (same stage and key) are left as they are, so re-reading a source after a
/// crash never resets progress; a key listed twice keeps its first line's item.
extension StateDatabase {
    /// The TEMP table of the pass under way, and the one of a one-call ``register(_:stage:)``.
    private static let passTable = "registration_pass", batchTable = "registration_batch"

    /// Starts a registration pass: drops what a pass that failed half-way gathered.
    public func beginRegistration() async throws -> RegistrationPass {
        try await pool.write { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp.\(Self.passTable)")
            try Self.createTable(Self.passTable, db)
        }
        return RegistrationPass(database: self)
    }

    /// Adds a batch to the pass under way (on the writer; see ``RegistrationPass``).
    static func appendToPass(_ items: [NewWorkItem], _ db: Database) throws {
        try append(items, to: passTable, db)
    }

    /// Ends the pass: its items become work items of `stage`, in one transaction. Returns how many
    /// were new.
    func settlePass(stage: StageID) async throws -> Int {
        let time = now()
        return try await pool.write { db in try Self.settle(Self.passTable, stage: stage, time: time, db) }
    }

    /// Gathers and settles one batch in one transaction (for callers with a few items).
    @discardableResult
    public func register(_ items: [NewWorkItem], stage: StageID) async throws -> Int {
        guard !items.isEmpty else { return 0 }
        let time = now()
        return try await pool.write { db in
            try Self.append(items, to: Self.batchTable, db)
            return try Self.settle(Self.batchTable, stage: stage, time: time, db)
        }
    }

    /// The accepted accounts of `source_user` become the users stage's work items (key: the NIM
    /// accid), in one transaction, in key order — a pass that needs no line of its own. Returns how
    /// many were new.
    @discardableResult
    public func registerAcceptedUsers() async throws -> Int {
        let time = now()
        return try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO work_item (stage, key, kind, payload, source_file, source_line, updated_at)
                    SELECT ?, nim, 'user', payload, file, line, ? FROM source_user WHERE status = 0 ORDER BY nim
                    """, arguments: [StageID.users.rawValue, time])
            return db.changesCount
        }
    }

    private static func createTable(_ table: String, _ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS \(table) (
                    seq INTEGER PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT,
                    source_file TEXT, source_line INTEGER)
                """)
    }

    private static func append(_ items: [NewWorkItem], to table: String, _ db: Database) throws {
        try createTable(table, db)
        let insert = try RawStatement(
            db, sql: "INSERT INTO temp.\(table) (key, kind, payload, source_file, source_line) VALUES (?, ?, ?, ?, ?)")
        for item in items {
            insert.bind(1, item.key)
            insert.bind(2, item.kind)
            insert.bind(3, item.payload)
            insert.bind(4, item.sourceFile)
            insert.bind(5, item.sourceLine)
            try insert.run()
        }
    }

    private static func settle(_ table: String, stage: StageID, time: Int64, _ db: Database) throws -> Int {
        // The sort uses a second thread (two cores) and, for each of its threads, the memory the
        // page cache is given: 8 MiB while settling (32 would make a million items cost 100 MB
        // more), back to 32 after.
        try db.execute(sql: "PRAGMA threads = 2")
        try db.execute(sql: "PRAGMA cache_size = -8192")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(StateDatabase.cacheSize)") }
        // `ORDER BY key, seq`: SQLite's sorter (bounded memory, spilling to temporary files) gives the
        // keys in index order, and of a key listed twice its first line first.
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO work_item (stage, key, kind, payload, source_file, source_line, updated_at)
                SELECT ?, key, kind, payload, source_file, source_line, ? FROM temp.\(table) ORDER BY key, seq
                """, arguments: [stage.rawValue, time])
        let inserted = db.changesCount
        // Crash tests: a kill with the whole pass written and its transaction still open.
        Failpoint.hit("register.mid-transaction")
        try db.execute(sql: "DROP TABLE temp.\(table)")
        return inserted
    }
}
