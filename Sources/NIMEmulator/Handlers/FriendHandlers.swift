internal import EmulatorKit
import GRDB

/// `friend/*.action` (reference §2.5). Type 1 (and 3, accepting) makes the friendship mutual:
/// one row per direction.
enum FriendHandlers {
    /// `friend/add.action`: type 1 adds directly in both directions; 2 and 4 change nothing here.
    static func add(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let faccid = try p.accid("faccid")
        let type = try p.requiredInt("type", in: [1, 2, 3, 4])
        _ = try p.optional("msg", max: 256)
        let serverex = try p.optional("serverex", max: 256)
        guard accid != faccid else { throw NIMFailure.invalid("faccid") }
        let now = core.nowMs()
        try await core.store.write { db in
            _ = try UserHandlers.existingUser(db, accid)
            _ = try UserHandlers.existingUser(db, faccid)
            guard type == 1 || type == 3 else { return }
            for (owner, friend) in [(accid, faccid), (faccid, accid)] {
                guard try FriendRecord.fetchOne(db, key: ["accid": owner, "faccid": friend]) == nil else { continue }
                let record = FriendRecord(
                    accid: owner, faccid: friend, alias: nil, ex: nil, serverex: owner == accid ? serverex : nil,
                    createTime: now, updateTime: now)
                try record.insert(db)
            }
        }
        return ["code": 200]
    }

    /// `friend/update.action`: alias / ex / serverex of `accid`'s side; only between friends.
    static func update(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let faccid = try p.accid("faccid")
        let alias = try p.optional("alias", max: 128)
        let ex = try p.optional("ex", max: 256)
        let serverex = try p.optional("serverex", max: 256)
        let now = core.nowMs()
        try await core.store.write { db in
            _ = try UserHandlers.existingUser(db, accid)
            _ = try UserHandlers.existingUser(db, faccid)
            guard var record = try FriendRecord.fetchOne(db, key: ["accid": accid, "faccid": faccid]) else {
                throw NIMFailure.notFriend(accid, faccid)
            }
            if let alias { record.alias = alias }
            if let ex { record.ex = ex }
            if let serverex { record.serverex = serverex }
            record.updateTime = max(now, record.updateTime + 1)
            try record.update(db)
        }
        return ["code": 200]
    }

    /// `friend/get.action`: friends of `accid` updated after `updatetime` (ms).
    static func get(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let since: Int64
        if p["updatetime"] != nil {
            since = try p.requiredInt("updatetime")
        } else {
            since = try p.requiredInt("createtime")
        }
        let (friends, reverse) = try await core.store.read { db -> ([FriendRecord], Set<String>) in
            _ = try UserHandlers.existingUser(db, accid)
            let friends = try FriendRecord.filter(Column("accid") == accid && Column("updateTime") > since)
                .order(Column("faccid")).fetchAll(db)
            let reverse = try String.fetchSet(db, sql: "SELECT accid FROM friends WHERE faccid = ?", arguments: [accid])
            return (friends, reverse)
        }
        let entries: [JSONValue] = friends.map { friend in
            var entry: [String: JSONValue] = [
                "faccid": .string(friend.faccid), "createtime": .int(friend.createTime),
                "updatetime": .int(friend.updateTime), "bidirection": .bool(reverse.contains(friend.faccid)),
            ]
            if let alias = friend.alias { entry["alias"] = .string(alias) }
            if let ex = friend.ex { entry["ex"] = .string(ex) }
            if let serverex = friend.serverex { entry["serverex"] = .string(serverex) }
            return .object(entry)
        }
        return ["code": 200, "size": .number(entries.count), "friends": .array(entries)]
    }

    /// `friend/delete.action`: ends `accid → faccid`, and `faccid → accid` too under the
    /// configuration's ``EmulatorConfiguration/FriendDelete/both`` reading. `isDeleteAlias` is
    /// accepted (the rows go with their alias and ex either way). Nothing to end — `accid` does not
    /// have `faccid` as a friend, and under `both` neither has the other — answers 404, as
    /// `friend/update.action` does for a non-friend.
    static func delete(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let faccid = try p.accid("faccid")
        _ = try p.optionalBool("isDeleteAlias")
        let both = core.configuration.friendDelete == .both
        try await core.store.write { db in
            _ = try UserHandlers.existingUser(db, accid)
            _ = try UserHandlers.existingUser(db, faccid)
            try db.execute(
                sql: "DELETE FROM friends WHERE (accid = ? AND faccid = ?) OR (? AND accid = ? AND faccid = ?)",
                arguments: [accid, faccid, both, faccid, accid])
            guard db.changesCount > 0 else { throw NIMFailure.notFriend(accid, faccid) }
        }
        return ["code": 200]
    }
}
