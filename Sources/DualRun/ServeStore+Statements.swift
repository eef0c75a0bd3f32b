internal import GRDB

/// The two shapes most of serve's reads and writes have: one statement in its own transaction
/// (how many rows it changed), and "is there such a row".
extension ServeStore {
    /// Runs one statement in its own transaction; returns how many rows it changed.
    @discardableResult
    func change(_ sql: String, _ arguments: StatementArguments = StatementArguments()) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    /// Whether a query finds a row.
    func exists(_ sql: String, _ arguments: StatementArguments = StatementArguments()) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: sql, arguments: arguments) ?? false }
    }
}
