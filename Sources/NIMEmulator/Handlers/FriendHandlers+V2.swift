internal import EmulatorKit
import GRDB

extension FriendHandlers {
    /// `POST /im/v2.1/friends?type=1|2` (and the older `POST /im/v2/friends`, which NetEase's
    /// V10 changelog of 2025-08-07 keeps working beside v2.1): add a friend.
    ///
    /// Sources: path and method from the official V10 API list (doc.yunxin.163.com
    /// messaging2 "API 列表", `POST https://open.yunxinapi.com/im/v2.1/friends`) and reference
    /// §4.3; `type` travels in the query, not the body, as the official Java SDK's
    /// `FriendV2Service.addFriend` sends it; body fields `account_id`, `friend_account_id`,
    /// `alias` (≤128), `extension` (≤256), `customer_extension`, `postscript` as in the SDK's
    /// `AddFriendRequestV2` and the official "同意/拒绝添加好友" page (which gives the same fields
    /// their limits). No source gives limits for `customer_extension` and `postscript`; they are
    /// held to 256 like their v1 counterparts (`serverex`, `msg`).
    ///
    /// Storage: the v1 `friends` rows. `alias` → `alias`, `extension` (client- and
    /// server-writable, the client's `serverExtension`) → `ex`, `customer_extension` (set by
    /// the server API only) → `serverex`, all on the adding side's row only; v1
    /// `friend/get.action` and the dump show them.
    ///
    /// Rules, chosen to match the emulator's v1 `friend/add.action`:
    /// * `type` is required (the SDK omits it when unset; no source states a default, and the
    ///   migration always sends 1) and must be 1 (add directly) or 2 (request, needs the
    ///   peer's consent, reference §4.3 citing the Go SDK). Anything else: 414.
    /// * type 1 makes the friendship mutual, one row per direction, as v1 type 1 does here and
    ///   SPEC §9 settles ("type 1 makes a mutual friendship"); the reference (§2.5, gap 11)
    ///   finds no NIM text either way. type 2 only validates: no client will ever accept, so
    ///   nothing is stored (v1 type 2 behaves the same).
    /// * Adding an existing friendship is not an error and changes nothing, as with v1: an
    ///   existing row keeps its alias and extensions. The answer is the stored relation, so a
    ///   caller can see that its `alias` was not applied.
    /// * Unknown account: 102404; self-add: 104429; fields too long, missing or malformed: 414.
    static func addV2(_ request: V2Request, _ core: EmulatorCore) async throws -> JSONValue {
        let type = try request.queryInt("type", in: [1, 2])
        let accid = try request.accid("account_id")
        let faccid = try request.accid("friend_account_id")
        let alias = try request.optionalString("alias", max: 128)
        let extensionValue = try request.optionalString("extension", max: 256)
        let customerExtension = try request.optionalString("customer_extension", max: 256)
        _ = try request.optionalString("postscript", max: 256)
        guard accid != faccid else { throw NIMFailure.v2SelfFriend }
        let now = core.nowMs()
        let requested = FriendRecord(
            accid: accid, faccid: faccid, alias: alias, ex: extensionValue, serverex: customerExtension,
            createTime: now, updateTime: now)
        let relation = try await core.store.write { db -> FriendRecord in
            for account in [accid, faccid] {
                guard try UserRecord.fetchOne(db, key: account) != nil else {
                    throw NIMFailure.v2AccountNotExist(account)
                }
            }
            guard type == 1 else { return requested }
            var adding = requested
            for (owner, friend) in [(accid, faccid), (faccid, accid)] {
                if let existing = try FriendRecord.fetchOne(db, key: ["accid": owner, "faccid": friend]) {
                    if owner == accid { adding = existing }
                    continue
                }
                let record =
                    owner == accid
                    ? requested
                    : FriendRecord(
                        accid: owner, faccid: friend, alias: nil, ex: nil, serverex: nil,
                        createTime: now, updateTime: now)
                try record.insert(db)
            }
            return adding
        }
        var data: [String: JSONValue] = ["friend_account_id": .string(relation.faccid)]
        if let alias = relation.alias { data["alias"] = .string(alias) }
        if let ex = relation.ex { data["extension"] = .string(ex) }
        if let serverex = relation.serverex { data["customer_extension"] = .string(serverex) }
        return .object(data)
    }
}
