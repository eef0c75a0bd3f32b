internal import GRDB

/// Where a source accid stands, for every stage that references accounts.
public enum UserResolution: Sendable, Equatable {
    /// Migrated (or to be) under this NIM accid.
    case migrated(String)
    /// No such user in the export.
    case unknown
    /// The user's accid breaks NIM's rules (reported in users.jsonl).
    case invalid
    /// The user collides with another after lower-casing (reported in users.jsonl).
    case colliding

    /// The NIM accid when the user is migrated.
    public var nimAccid: String? {
        if case .migrated(let accid) = self { return accid }
        return nil
    }
}

/// One account of the export as the users stage classified it.
public struct SourceUserRow: Sendable, Equatable {
    public enum Status: Int, Sendable { case ok = 0, invalid = 1, colliding = 2 }
    public var original: String
    public var nim: String
    public var status: Status
    public var file: String
    public var line: Int
    /// The account's fields as JSON (accepted rows only).
    public var payload: String?

    public init(original: String, nim: String, status: Status, file: String, line: Int, payload: String? = nil) {
        self.original = original
        self.nim = nim
        self.status = status
        self.file = file
        self.line = line
        self.payload = payload
    }
}

extension StateDatabase {
    /// Records source accounts; returns the rows whose accid was already recorded (duplicates),
    /// each with the location of the first.
    public func insertSourceUsers(_ rows: [SourceUserRow]) async throws -> [(SourceUserRow, first: String)] {
        try await pool.write { db in
            let insert = try RawStatement(
                db,
                sql: """
                    INSERT OR IGNORE INTO source_user (original, folded, nim, status, file, line, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            var duplicates: [(SourceUserRow, String)] = []
            for row in rows {
                insert.bind(1, row.original)
                insert.bind(2, row.original.lowercased())
                insert.bind(3, row.nim)
                insert.bind(4, row.status.rawValue)
                insert.bind(5, row.file)
                insert.bind(6, row.line)
                insert.bind(7, row.payload)
                if try insert.run() == 0,
                    let first = try Row.fetchOne(
                        db, sql: "SELECT file, line FROM source_user WHERE original = ?", arguments: [row.original])
                {
                    duplicates.append((row, "\(first["file"] as String):\(first["line"] as Int)"))
                }
            }
            return duplicates
        }
    }

    /// Marks every group of accepted accounts that share a NIM accid as colliding and returns the groups.
    public func markCollidingUsers() async throws -> [[SourceUserRow]] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT original, nim, file, line FROM source_user WHERE status = 0 AND nim IN
                    (SELECT nim FROM source_user WHERE status = 0 GROUP BY nim HAVING count(*) > 1)
                    ORDER BY nim, file, line
                    """)
            try db.execute(
                sql: """
                    UPDATE source_user SET status = 2 WHERE status = 0 AND nim IN
                    (SELECT nim FROM source_user WHERE status = 0 GROUP BY nim HAVING count(*) > 1)
                    """)
            let users = rows.map {
                SourceUserRow(
                    original: $0["original"], nim: $0["nim"], status: .colliding, file: $0["file"], line: $0["line"])
            }
            return Dictionary(grouping: users, by: \.nim).values.sorted { $0[0].nim < $1[0].nim }
        }
    }

    /// What a reference to a source accid means: the exact accid first, else the one account
    /// whose accid differs only in case.
    public func resolveUser(_ reference: String) async throws -> UserResolution {
        try await pool.read { db in try Self.resolveUser(reference, in: db) }
    }

    /// ``resolveUser(_:)`` on an open connection (inside another transaction).
    static func resolveUser(_ reference: String, in db: Database) throws -> UserResolution {
        try resolveUser(reference) { question, value in
            try Row.fetchAll(db.cachedStatement(sql: question), arguments: [value]).map {
                resolution(nim: $0[0], status: $0[1])
            }
        }
    }

    /// The questions a reference is asked, by the answers of `ask` (rows of nim and status).
    static let exactUserQuestion = "SELECT nim, status FROM source_user WHERE original = ?"
    static let foldedUserQuestion = "SELECT nim, status FROM source_user WHERE folded = ? LIMIT 2"

    /// The rule of ``resolveUser(_:)``, whoever asks the questions: the account named exactly, else
    /// the one account whose accid differs only in case (two such: neither is meant).
    static func resolveUser(
        _ reference: String, ask: (_ question: String, _ value: String) throws -> [UserResolution]
    ) rethrows -> UserResolution {
        if let exact = try ask(exactUserQuestion, reference).first { return exact }
        let folded = try ask(foldedUserQuestion, reference.lowercased())
        return folded.count == 1 ? folded[0] : .unknown
    }

    /// The hashes (``StableHasher``) of the accepted accounts that a reference names as they are and
    /// whose NIM accid is their accid lower-cased — nearly all — up to `limit` of them: a reference
    /// with one of these hashes means that account, and no question to the database is needed
    /// (as ``ReferenceCache`` assumes, two references with one 64-bit hash are not expected).
    /// ASCII accids only: SQLite's `lower` folds ASCII alone.
    static func plainUserHashes(in db: Database, limit: Int) throws -> HashSet {
        var hashes = HashSet()
        let originals = try String.fetchCursor(
            db, sql: "SELECT original FROM source_user WHERE status = 0 AND nim = lower(original) LIMIT ?",
            arguments: [limit])
        while let original = try originals.next() {
            if original.utf8.allSatisfy({ $0 < 0x80 }) { hashes.insert(StableHasher.hash(original)) }
        }
        return hashes
    }

    /// ``plainUserHashes(in:limit:)`` at this moment.
    func plainUserHashes(limit: Int) async throws -> HashSet {
        try await pool.read { db in try Self.plainUserHashes(in: db, limit: limit) }
    }

    /// What an account's row says of references to it.
    static func resolution(nim: String, status: Int) -> UserResolution {
        switch SourceUserRow.Status(rawValue: status) {
        case .ok: .migrated(nim)
        case .invalid: .invalid
        case .colliding: .colliding
        case nil: .unknown
        }
    }
}

extension StateDatabase {
    /// Where the accepted account `nim` is listed, in the converted export's coordinates.
    public func sourceUserLocation(nim: String) async throws -> (file: String, line: Int)? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT file, line FROM source_user WHERE nim = ? AND status = 0 LIMIT 1", arguments: [nim]
            ).map { ($0["file"], $0["line"]) }
        }
    }

    /// Streams the accepted accounts (status ok) in batches, in source order.
    public func forEachAcceptedUser(batch: Int, _ body: ([SourceUserRow]) async throws -> Void) async throws {
        try await forEachPage(from: ("", 0)) { (after: (String, Int)) in
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT original, nim, file, line, payload FROM source_user
                        WHERE status = 0 AND (file, line) > (?, ?) ORDER BY file, line LIMIT ?
                        """, arguments: [after.0, after.1, batch]
                ).map {
                    SourceUserRow(
                        original: $0["original"], nim: $0["nim"], status: .ok, file: $0["file"], line: $0["line"],
                        payload: $0["payload"])
                }
            }
        } key: {
            ($0.file, $0.line)
        } _: { rows in
            try await body(rows)
        }
    }
}
