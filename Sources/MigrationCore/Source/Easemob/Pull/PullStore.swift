internal import Foundation
internal import GRDB

/// The pull's checkpoints, `state/NAME.pull.sqlite`: what is saved in the export folder and what
/// is left, so that `pull` again after a `kill -9` at any instant leaves nothing missing or twice.
///
/// Every checkpoint is written after the file it speaks of is complete on disk (written, synced,
/// renamed): a killed pull at worst fetches one page, hour or file again and writes the same name.
///
/// - `generation`: one reading of the lists, staged in `.pull/gen-N/` and swapped into place when
///   whole; a pull after a finished generation starts a new one (the lists are read again).
/// - `step`: a cursor-paged list of a generation (`users`, `chatgroups`, attribute batches):
///   the next page number and its cursor, or done.
/// - `owner`: a per-user or per-group list of a generation that is saved (`contacts`, `blocks`,
///   `group`), or gone (404 between list and detail).
/// - `hour`: each history hour's state (``HourState``) and whether its attachments are registered.
/// - `file`: each attachment or avatar to download, its state and where it was referenced.
final class PullStore: Sendable {
    private let queue: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        // WAL with synchronous NORMAL, as the pipeline's state: a committed checkpoint survives a
        // killed process (what the pull promises) without a sync of its own per page.
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator.migrate(queue)
    }

    func queueRead<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }
    func queueWrite<T>(_ body: (Database) throws -> T) throws -> T { try queue.write(body) }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE generation (id INTEGER PRIMARY KEY, lists_done INTEGER NOT NULL DEFAULT 0,
                        swapped INTEGER NOT NULL DEFAULT 0);
                    CREATE TABLE step (generation INTEGER NOT NULL, name TEXT NOT NULL, page INTEGER NOT NULL,
                        cursor TEXT, done INTEGER NOT NULL DEFAULT 0, entries INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (generation, name));
                    CREATE TABLE owner (generation INTEGER NOT NULL, list TEXT NOT NULL, id TEXT NOT NULL,
                        state TEXT NOT NULL, entries INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (generation, list, id));
                    CREATE TABLE hour (hour TEXT PRIMARY KEY, state TEXT NOT NULL, checked_ms INTEGER NOT NULL,
                        scanned INTEGER NOT NULL DEFAULT 0, detail TEXT);
                    CREATE TABLE file (url TEXT PRIMARY KEY, name TEXT NOT NULL, secret TEXT, source TEXT NOT NULL,
                        line INTEGER NOT NULL, state TEXT NOT NULL, detail TEXT);
                    CREATE INDEX file_by_state ON file (state);
                    """)
        }
        return migrator
    }

    // MARK: Generations

    /// The generation to work on: the last one unless it was swapped into place, else a new one.
    func currentGeneration() throws -> (id: Int64, listsDone: Bool) {
        try queue.write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT id, lists_done, swapped FROM generation ORDER BY id DESC LIMIT 1"),
                row["swapped"] == 0
            {
                return (row["id"], row["lists_done"] == 1)
            }
            try db.execute(sql: "INSERT INTO generation DEFAULT VALUES")
            return (db.lastInsertedRowID, false)
        }
    }

    func finishLists(_ generation: Int64) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE generation SET lists_done = 1 WHERE id = ?", arguments: [generation])
        }
    }

    func markSwapped(_ generation: Int64) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE generation SET swapped = 1 WHERE id = ?", arguments: [generation])
        }
    }

    // MARK: Paged lists

    /// Where a paged list of `generation` stands: the next page's number (1-based) and cursor.
    func step(_ generation: Int64, _ name: String) throws -> (page: Int, cursor: String?, done: Bool) {
        try queue.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT page, cursor, done FROM step WHERE generation = ? AND name = ?",
                    arguments: [generation, name])
            else { return (1, nil, false) }
            return (row["page"], row["cursor"], row["done"] == 1)
        }
    }

    /// Page `page - 1` is saved; the next is `page` at `cursor` (nil with `done`).
    func saveStep(_ generation: Int64, _ name: String, page: Int, cursor: String?, done: Bool, entries: Int) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO step (generation, name, page, cursor, done, entries) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (generation, name) DO UPDATE SET page = excluded.page, cursor = excluded.cursor,
                        done = excluded.done, entries = step.entries + excluded.entries
                    """, arguments: [generation, name, page, cursor, done ? 1 : 0, entries])
        }
    }

    /// Pages and entries of each paged list of `generation`.
    func steps(_ generation: Int64) throws -> [String: (pages: Int, entries: Int)] {
        try queue.read { db in
            var out: [String: (Int, Int)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT name, page, entries FROM step WHERE generation = ?", arguments: [generation])
            {
                out[row["name"]] = ((row["page"] as Int) - 1, row["entries"])
            }
            return out
        }
    }

    // MARK: Per-owner lists

    /// The owners of `list` already saved (or gone) in `generation`.
    func owners(_ generation: Int64, _ list: String) throws -> Set<String> {
        try queue.read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT id FROM owner WHERE generation = ? AND list = ?", arguments: [generation, list]))
        }
    }

    /// `id`'s `list` is saved (`saved`, with its entries) or was gone (`gone`).
    func saveOwner(_ generation: Int64, _ list: String, _ id: String, state: String, entries: Int) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO owner (generation, list, id, state, entries) VALUES (?, ?, ?, ?, ?)",
                arguments: [generation, list, id, state, entries])
        }
    }

    /// Per list of `generation`: owners saved, their entries, and the ids that were gone.
    func ownerCounts(_ generation: Int64) throws -> [String: (saved: Int, entries: Int, gone: [String])] {
        try queue.read { db in
            var out: [String: (Int, Int, [String])] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT list, id, state, entries FROM owner WHERE generation = ? ORDER BY list, id",
                arguments: [generation])
            {
                let list: String = row["list"]
                var entry = out[list] ?? (0, 0, [])
                if row["state"] == "gone" {
                    entry.2.append(row["id"])
                } else {
                    entry.0 += 1
                    entry.1 += row["entries"] as Int
                }
                out[list] = entry
            }
            return out
        }
    }
}
