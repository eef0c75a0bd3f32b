internal import GRDB

/// The kinds of old → new id the tool keeps.
public enum IDKind: String, Sendable, CaseIterable, Codable {
    case user, team, file, message
}

/// One old → new id pair.
public struct IDMapping: Sendable, Equatable, Codable {
    public var kind: IDKind
    public var old: String
    public var new: String

    public init(kind: IDKind, old: String, new: String) {
        self.kind = kind
        self.old = old
        self.new = new
    }
}

extension StateDatabase {
    /// Stores old → new pairs in one transaction (replacing an earlier mapping of the same old id).
    public func map(_ mappings: [IDMapping]) async throws {
        guard !mappings.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO id_map (kind, old, new) VALUES (?, ?, ?)")
            for mapping in mappings {
                try statement.execute(arguments: [mapping.kind.rawValue, mapping.old, mapping.new])
            }
        }
    }

    /// The new id of one old id, if mapped.
    public func newID(_ kind: IDKind, old: String) async throws -> String? {
        try await pool.read { db in try Self.newID(kind, old: old, in: db) }
    }

    /// ``newID(_:old:)`` on an open connection (inside another transaction).
    static func newID(_ kind: IDKind, old: String, in db: Database) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT new FROM id_map WHERE kind = ? AND old = ?"),
            arguments: [kind.rawValue, old])
    }

    /// Streams every mapping of a kind in old-id order to `body` (no whole-map array in memory).
    /// Accounts are mapped by `source_user` (every migrated account, renamed or lower-cased or not,
    /// and those serve created from the old server's events).
    public func forEachMapping(_ kind: IDKind, _ body: @Sendable (IDMapping) throws -> Void) async throws {
        try await pool.read { db in
            let sql =
                kind == .user
                ? """
                SELECT original AS old, nim AS new FROM source_user WHERE status = 0
                UNION SELECT old, new FROM id_map WHERE kind = ? ORDER BY old
                """
                : "SELECT old, new FROM id_map WHERE kind = ? ORDER BY old"
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: [kind.rawValue])
            while let row = try cursor.next() {
                try body(IDMapping(kind: kind, old: row["old"], new: row["new"]))
            }
        }
    }
}
