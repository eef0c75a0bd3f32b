extension NIMRequest {
    /// `user/create.action`; an existing account (414 "already register") counts as done.
    public static func createUser(
        accid: String, token: String? = nil, name: String? = nil, icon: String? = nil, sign: String? = nil,
        email: String? = nil, birth: String? = nil, mobile: String? = nil, gender: Int? = nil, ex: String? = nil
    ) -> NIMRequest {
        NIMRequest(
            "user/create.action",
            [
                ("accid", accid), ("token", token), ("name", name), ("icon", icon), ("sign", sign), ("email", email),
                ("birth", birth), ("mobile", mobile), ("gender", gender.map(String.init)), ("ex", ex),
            ], tolerated: [Tolerance(code: 414, descPrefix: "already register")])
    }

    /// `user/update.action`: sets the login token of an existing account.
    public static func updateToken(accid: String, token: String) -> NIMRequest {
        NIMRequest("user/update.action", [("accid", accid), ("token", token)])
    }

    /// `user/updateUinfo.action`: profile fields (nil fields are left alone).
    public static func updateUserInfo(accid: String, name: String? = nil, icon: String? = nil) -> NIMRequest {
        NIMRequest("user/updateUinfo.action", [("accid", accid), ("name", name), ("icon", icon)])
    }

    /// `user/getUinfos.action`, at most 200 accids.
    public static func getUserInfos(_ accids: [String]) -> NIMRequest {
        NIMRequest("user/getUinfos.action", [("accids", jsonArray(accids))])
    }

    /// `friend/add.action` type 1: a mutual friendship without a handshake.
    public static func addFriend(accid: String, faccid: String) -> NIMRequest {
        NIMRequest("friend/add.action", [("accid", accid), ("faccid", faccid), ("type", "1")])
    }

    /// v2 `POST /im/v2.1/friends?type=1`: a mutual friendship without a handshake that carries the
    /// adding side's alias and extension (`type` goes in the query, as NIM's SDK sends it).
    public static let addFriendV2Path = "/im/v2.1/friends?type=1"

    public static func addFriendV2(accid: String, faccid: String, alias: String?, ex: String?) -> NIMRequest {
        var body: [String: JSONValue] = ["account_id": .string(accid), "friend_account_id": .string(faccid)]
        if let alias { body["alias"] = .string(alias) }
        if let ex { body["extension"] = .string(ex) }
        return NIMRequest(v2: addFriendV2Path, json: .object(body))
    }

    /// `friend/update.action`: alias and ex of one direction.
    public static func updateFriend(accid: String, faccid: String, alias: String?, ex: String?) -> NIMRequest {
        NIMRequest("friend/update.action", [("accid", accid), ("faccid", faccid), ("alias", alias), ("ex", ex)])
    }

    /// `friend/get.action`: every friend of `accid` (updated since the epoch).
    public static func getFriends(accid: String) -> NIMRequest {
        NIMRequest("friend/get.action", [("accid", accid), ("updatetime", "0")])
    }

    /// `friend/delete.action`, ending `accid → faccid` at least (reference §2.5 does not say whether
    /// the reverse direction goes too) with its alias (`isDeleteAlias`: NIM keeps it by default), so
    /// a friendship made again starts clean. 404 — not a friend, or no such account, so no such
    /// friendship — counts as done (``NIMResponse/code`` says which).
    public static func deleteFriend(accid: String, faccid: String) -> NIMRequest {
        NIMRequest(
            "friend/delete.action", [("accid", accid), ("faccid", faccid), ("isDeleteAlias", "true")],
            tolerated: [Tolerance(code: 404)])
    }

    /// `user/setSpecialRelation.action`: relationType 1 blacklist, 2 mute list.
    public static func setSpecialRelation(accid: String, target: String, relationType: Int, add: Bool = true)
        -> NIMRequest
    {
        NIMRequest(
            "user/setSpecialRelation.action",
            [
                ("accid", accid), ("targetAcc", target), ("relationType", String(relationType)),
                ("value", add ? "1" : "0"),
            ])
    }

    /// `user/listBlackAndMuteList.action`.
    public static func listBlackAndMute(accid: String) -> NIMRequest {
        NIMRequest("user/listBlackAndMuteList.action", [("accid", accid)])
    }
}
