public import GRDB

extension DatabaseMigrator {
    /// Registers the migration `identifier` as one SQL script (tables, indexes, backfills): the
    /// shape of every schema step of the state database and of serve's queues.
    public mutating func registerSQL(_ identifier: String, _ sql: String) {
        registerMigration(identifier) { db in try db.execute(sql: sql) }
    }
}
