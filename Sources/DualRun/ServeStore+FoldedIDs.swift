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
        let inbox = try Row.fetchAll(db, sql: "SELECT seq, source_key, conv FROM inbox ORDER BY seq")
        let update = try db.makeStatement(sql: "UPDATE OR IGNORE inbox SET source_key = ? WHERE seq = ?")
        for row in inbox {
            let key: String = row["source_key"]
            let conversation: String = row["conv"]
            let folded = foldedKey(key, team: conversation.hasPrefix("t|"))
            if folded != key { try update.execute(arguments: [folded, row["seq"] as Int64]) }
        }
        let recalls = try Row.fetchAll(
            db, sql: "SELECT seq, target_key, scope FROM event WHERE target_key IS NOT NULL ORDER BY seq")
        let retarget = try db.makeStatement(sql: "UPDATE event SET target_key = ? WHERE seq = ?")
        for row in recalls {
            let key: String = row["target_key"]
            let scope: String = row["scope"]
            let folded = foldedKey(key, team: scope.hasPrefix("t|"))
            if folded != key { try retarget.execute(arguments: [folded, row["seq"] as Int64]) }
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
