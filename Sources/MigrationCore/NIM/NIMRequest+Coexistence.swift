/// The calls `serve` makes for the old server's changes after the snapshot (SPEC §7
/// `/old/events`), beside the ones the stages already use.
extension NIMRequest {
    /// `user/updateUinfo.action` with every profile field; nil fields are left alone.
    public static func updateUserProfile(_ user: SourceUser) -> NIMRequest {
        NIMRequest(
            "user/updateUinfo.action",
            [
                ("accid", user.accid), ("name", user.name), ("icon", user.icon), ("sign", user.sign),
                ("email", user.email), ("birth", user.birth), ("mobile", user.mobile),
                ("gender", user.gender.map(String.init)), ("ex", user.ex),
            ])
    }

    /// `team/kick.action` with a JSON array of at most 200 members; 804 (not in the team) counts as
    /// done, so a repeated kick after a lost answer does not fail.
    public static func kickTeamMembers(tid: String, owner: String, members: [String]) -> NIMRequest {
        NIMRequest(
            "team/kick.action", [("tid", tid), ("owner", owner), ("members", jsonArray(members))],
            tolerated: [Tolerance(code: 804)])
    }

    /// `team/removeManager.action`, at most 10 members.
    public static func removeTeamManagers(tid: String, owner: String, members: [String]) -> NIMRequest {
        NIMRequest("team/removeManager.action", [("tid", tid), ("owner", owner), ("members", jsonArray(members))])
    }

    /// `team/muteTlist.action`: mutes (true) or unmutes one member.
    public static func setTeamMemberMute(tid: String, owner: String, accid: String, mute: Bool) -> NIMRequest {
        NIMRequest(
            "team/muteTlist.action", [("tid", tid), ("owner", owner), ("accid", accid), ("mute", mute ? "1" : "0")])
    }

    /// `team/muteTlistAll.action` on or off.
    public static func setTeamMute(tid: String, owner: String, mute: Bool) -> NIMRequest {
        NIMRequest("team/muteTlistAll.action", [("tid", tid), ("owner", owner), ("mute", mute ? "true" : "false")])
    }

    /// `team/update.action` with the name and the join mode too (create sends `joinmode` apart).
    public static func updateTeam(tid: String, owner: String, name: String?, settings: TeamSettings) -> NIMRequest {
        NIMRequest(
            "team/update.action",
            [("tid", tid), ("owner", owner), ("tname", name), ("joinmode", settings.joinmode.map(String.init))]
                + settings.fields)
    }

    /// `team/remove.action`: dismisses the team; 803 (no such team) counts as done.
    public static func removeTeam(tid: String, owner: String) -> NIMRequest {
        NIMRequest("team/remove.action", [("tid", tid), ("owner", owner)], tolerated: [Tolerance(code: 803)])
    }

    /// `team/changeOwner.action`; `leave` 2: the old owner stays as an ordinary member (SPEC §7).
    public static func changeTeamOwner(tid: String, owner: String, newOwner: String) -> NIMRequest {
        NIMRequest("team/changeOwner.action", [("tid", tid), ("owner", owner), ("newowner", newOwner), ("leave", "2")])
    }

    /// `msg/recall.action` (the server SDKs' `RecallMessageRequestV1`; the 2021 doc table in
    /// `lhlyu/yunxin-go` `im/api_msg_recall.go`): `deleteMsgid` NIM's msgid, `timetag` the
    /// message's creation time, `type` 7 p2p / 8 team, `from` the sender, `to` the receiver or tid.
    /// `ignoreTime=1`: the old server already judged the recall allowed (NIM still reaches back at
    /// most 30 days).
    public static func recallMessage(msgid: Int64, timetag: Int64, team: Bool, from: String, to: String)
        -> NIMRequest
    {
        NIMRequest(
            "msg/recall.action",
            [
                ("deleteMsgid", String(msgid)), ("timetag", String(timetag)), ("type", team ? "8" : "7"),
                ("from", from), ("to", to), ("ignoreTime", "1"),
            ])
    }
}
