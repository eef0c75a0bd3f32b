internal import GRDB

/// The state of one hour of history (SPEC §4): saved, empty and expired are final (an empty hour
/// once it is a day old: Easemob generates the files late); pending and too new are asked again.
enum HourState: String, Sendable, Codable, CaseIterable {
    case pending
    case saved
    case empty
    case tooNew = "too-new"
    case expired
}

/// An attachment or avatar to download into `files/`, and where it was referenced.
struct PullFile: Sendable, Equatable {
    var url: String
    /// Its name in `files/`: the URL's last path segment, as the adapter looks it up.
    var name: String
    /// Easemob's `share-secret` for the download, when the message carried one.
    var secret: String?
    /// The export file (`chatmessages/2026112000.gz`, `user-attributes/batch-0001.json`) and line.
    var source: String
    var line: Int
}

/// The state of one download.
enum FileState: String, Sendable, CaseIterable {
    case pending, saved, expired, failed, refused
}

extension PullStore {
    /// Every hour asked about so far: its state, when it was last asked (the server's ms) and
    /// whether its attachments are registered.
    func hours() throws -> [String: (state: HourState, checkedMs: Int64, scanned: Bool)] {
        try queueRead { db in
            var out: [String: (HourState, Int64, Bool)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT hour, state, checked_ms, scanned FROM hour") {
                out[row["hour"]] = (
                    HourState(rawValue: row["state"]) ?? .pending, row["checked_ms"], row["scanned"] == 1
                )
            }
            return out
        }
    }

    func setHour(_ hour: String, _ state: HourState, checkedMs: Int64, detail: String? = nil) throws {
        try queueWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO hour (hour, state, checked_ms, detail) VALUES (?, ?, ?, ?)
                    ON CONFLICT (hour) DO UPDATE SET state = excluded.state, checked_ms = excluded.checked_ms,
                        detail = excluded.detail
                    """, arguments: [hour, state.rawValue, checkedMs, detail])
        }
    }

    /// `hour` is saved (its file renamed into place) and its attachments registered: one transaction.
    func saveHour(_ hour: String, _ files: [PullFile], checkedMs: Int64) throws {
        try queueWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO hour (hour, state, checked_ms, scanned) VALUES (?, 'saved', ?, 1)
                    ON CONFLICT (hour) DO UPDATE SET state = 'saved', checked_ms = excluded.checked_ms, scanned = 1,
                        detail = NULL
                    """, arguments: [hour, checkedMs])
            try Self.insert(files, in: db)
        }
    }

    /// Registers the downloads `files` found (each URL once, first reference kept) and, in the same
    /// transaction, marks `hour` scanned.
    func register(_ files: [PullFile], scanned hour: String?) throws {
        try queueWrite { db in
            try Self.insert(files, in: db)
            if let hour { try db.execute(sql: "UPDATE hour SET scanned = 1 WHERE hour = ?", arguments: [hour]) }
        }
    }

    private static func insert(_ files: [PullFile], in db: Database) throws {
        let insert = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO file (url, name, secret, source, line, state) VALUES (?, ?, ?, ?, ?, 'pending')"
        )
        for file in files {
            try insert.execute(arguments: [file.url, file.name, file.secret, file.source, file.line])
        }
    }

    /// The downloads still to make.
    func pendingFiles() throws -> [PullFile] {
        try queueRead { db in
            try Row.fetchAll(
                db, sql: "SELECT url, name, secret, source, line FROM file WHERE state = 'pending' ORDER BY rowid"
            )
            .map {
                PullFile(url: $0["url"], name: $0["name"], secret: $0["secret"], source: $0["source"], line: $0["line"])
            }
        }
    }

    func setFile(_ url: String, _ state: FileState, detail: String? = nil) throws {
        try queueWrite { db in
            try db.execute(
                sql: "UPDATE file SET state = ?, detail = ? WHERE url = ?", arguments: [state.rawValue, detail, url])
        }
    }

    /// Downloads counted by state.
    func fileCounts() throws -> [FileState: Int] {
        try queueRead { db in
            var out: [FileState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM file GROUP BY state") {
                if let state = FileState(rawValue: row["state"]) { out[state] = row["n"] }
            }
            return out
        }
    }

    /// The downloads that ended other than saved, with where they were referenced and why.
    func unsavedFiles(limit: Int) throws -> [(file: PullFile, state: FileState, detail: String?)] {
        try queueRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT url, name, secret, source, line, state, detail FROM file
                    WHERE state IN ('expired', 'failed', 'refused') ORDER BY source, line LIMIT ?
                    """, arguments: [limit]
            ).map { row in
                (
                    PullFile(url: row["url"], name: row["name"], secret: nil, source: row["source"], line: row["line"]),
                    FileState(rawValue: row["state"]) ?? .failed, row["detail"]
                )
            }
        }
    }
}
