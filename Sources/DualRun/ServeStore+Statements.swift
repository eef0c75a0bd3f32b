internal import GRDB

/// The shapes most of serve's reads and writes have: one statement in its own transaction (how
/// many rows it changed), rows stored once per key, the next row of a queue claimed, and "is there
/// such a row".
extension ServeStore {
    /// Runs one statement in its own transaction; returns how many rows it changed.
    @discardableResult
    func change(_ sql: String, _ arguments: StatementArguments = StatementArguments()) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    /// Inserts each of `rows` with one cached `INSERT OR IGNORE` statement, in the caller's
    /// transaction (a receipt is stored all or none); for each row, whether it was new (`false`:
    /// its key was stored before, and is kept once).
    static func insertOnce(_ db: Database, _ sql: String, _ rows: [StatementArguments]) throws -> [Bool] {
        let insert = try db.cachedStatement(sql: sql)
        return try rows.map { arguments in
            try insert.execute(arguments: arguments)
            return db.changesCount > 0
        }
    }

    /// Claims the next row of `queue` that may be worked on at `now` (``OrderedQueue/claim(_:now:alsoArguments:)``),
    /// in its own transaction; `read` makes the claim of the row.
    func claimNext<Claim: Sendable>(
        _ queue: OrderedQueue, now: Int64, alsoArguments: [Int64] = [], _ read: @escaping @Sendable (Row) -> Claim
    ) async throws -> Claim? {
        try await pool.write { db in
            try queue.claim(db, now: now, alsoArguments: alsoArguments).map(read)
        }
    }

    /// Whether a query finds a row.
    func exists(_ sql: String, _ arguments: StatementArguments = StatementArguments()) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: sql, arguments: arguments) ?? false }
    }
}
