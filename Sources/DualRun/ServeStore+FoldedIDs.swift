internal import GRDB

/// Migration `serve-v3-folded-user-ids`: a store written before serve folded old user ids
/// (``OldUserID``) keeps its source keys in the case each message was posted in. Their user ids are
/// folded in place, so a recall (or a repeat of the message) in another spelling finds them.
///
/// Conversations and scopes need nothing: they were lower-cased from the start. A message stored
/// twice under two spellings (the old bug) keeps the later row's key as it was — the earlier or
/// already-folded row holds the folded key, which is the one later lookups find.
extension ServeStore {
    static func foldUserIDs(_ db: Database) throws {
        try fold(db, table: "inbox", key: "source_key", scope: "conv", rows: "")
        try fold(db, table: "event", key: "target_key", scope: "scope", rows: "WHERE target_key IS NOT NULL")
    }

    /// Folds the keys in `table`'s column `key` (``foldedKey(_:team:)``), each read with the
    /// conversation or scope in column `scope` that says whether it is a team's; a key another row
    /// already holds (UNIQUE) is left as it is.
    private static func fold(_ db: Database, table: String, key: String, scope: String, rows: String) throws {
        let stored = try Row.fetchAll(
            db, sql: "SELECT seq, \(key) AS key, \(scope) AS scope FROM \(table) \(rows) ORDER BY seq")
        let update = try db.makeStatement(sql: "UPDATE OR IGNORE \(table) SET \(key) = ? WHERE seq = ?")
        for row in stored {
            let key: String = row["key"]
            let folded = foldedKey(key, team: Scope(stored: row["scope"]).isTeam)
            if folded != key { try update.execute(arguments: [folded, row["seq"] as Int64]) }
        }
    }

    /// A source key with its user ids folded: `msgid|from|to|createTime` (p2p), `msgid|accid|tGID|createTime`
    /// (team; the gid is not a user id), or the prefix `msgid|from|`. A key of any other shape (an id
    /// holding `|`) is left as it is.
    static func foldedKey(_ key: String, team: Bool) -> String {
        var parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 3 where parts[2].isEmpty: parts[1] = OldUserID(parts[1]).folded
        case 4:
            parts[1] = OldUserID(parts[1]).folded
            if !team { parts[2] = OldUserID(parts[2]).folded }
        default: return key
        }
        return parts.joined(separator: "|")
    }
}
