extension NIMRequest {
    /// Team settings of `team/create.action` and `team/update.action`.
    public struct TeamSettings: Sendable, Equatable, Codable {
        public var intro: String?
        public var announcement: String?
        public var icon: String?
        public var custom: String?
        public var joinmode: Int?
        public var beinvitemode: Int?
        public var invitemode: Int?
        public var uptinfomode: Int?
        public var upcustommode: Int?
        public var teamMemberLimit: Int?

        public init() {}

        var fields: [(String, String?)] {
            [
                ("intro", intro), ("announcement", announcement), ("icon", icon), ("custom", custom),
                ("beinvitemode", beinvitemode.map(String.init)), ("invitemode", invitemode.map(String.init)),
                ("uptinfomode", uptinfomode.map(String.init)), ("upcustommode", upcustommode.map(String.init)),
                ("teamMemberLimit", teamMemberLimit.map(String.init)),
            ]
        }
    }

    /// `team/create.action` with the owner and at most 199 invitees. Not idempotent: NIM issues a
    /// new tid per call, so the groups stage reconciles an unanswered attempt instead of retrying.
    public static func createTeam(name: String, owner: String, members: [String], settings: TeamSettings) -> NIMRequest
    {
        NIMRequest(
            "team/create.action",
            [
                ("tname", name), ("owner", owner), ("members", jsonArray(members)), ("msg", "migrated"),
                ("magree", "0"), ("joinmode", String(settings.joinmode ?? 0)),
            ] + settings.fields, idempotent: false)
    }

    /// `team/add.action`, at most 200 members; 809 (already in team) counts as done.
    public static func addTeamMembers(tid: String, owner: String, members: [String]) -> NIMRequest {
        NIMRequest(
            "team/add.action",
            [("tid", tid), ("owner", owner), ("members", jsonArray(members)), ("msg", "migrated"), ("magree", "0")],
            tolerated: [Tolerance(code: 809)])
    }

    /// `team/kick.action`.
    public static func kickTeamMember(tid: String, owner: String, member: String) -> NIMRequest {
        NIMRequest("team/kick.action", [("tid", tid), ("owner", owner), ("member", member)])
    }

    /// `team/addManager.action`, at most 10 members.
    public static func addTeamManagers(tid: String, owner: String, members: [String]) -> NIMRequest {
        NIMRequest("team/addManager.action", [("tid", tid), ("owner", owner), ("members", jsonArray(members))])
    }

    /// `team/muteTlist.action`: mutes one member.
    public static func muteTeamMember(tid: String, owner: String, accid: String) -> NIMRequest {
        NIMRequest("team/muteTlist.action", [("tid", tid), ("owner", owner), ("accid", accid), ("mute", "1")])
    }

    /// v2 `PATCH /im/v2/team_members/actions/batch_mute`: mutes up to ``muteBatch`` members of an
    /// advanced team; the owner is the operator (NIM lets only the owner batch-mute). NIM's docs and
    /// SDK send PATCH (the reference's "POST" is wrong); `chat_banned` defaults to false (unmute)
    /// on NIM's side, so it is always sent.
    public static func muteTeamMembers(tid: String, owner: String, accids: [String]) -> NIMRequest {
        NIMRequest(
            v2: "/im/v2/team_members/actions/batch_mute", method: "PATCH",
            json: .object([
                "operator_id": .string(owner), "team_id": Int64(tid).map(JSONValue.int) ?? .string(tid),
                "team_type": .int(1), "chat_ban_account_ids": .array(accids.map(JSONValue.string)),
                "chat_banned": .bool(true),
            ]))
    }

    /// Members per v2 batch mute (NIM's limit).
    public static let muteBatch = 10

    /// `team/muteTlistAll.action`: mutes every ordinary member.
    public static func muteTeam(tid: String, owner: String) -> NIMRequest {
        NIMRequest("team/muteTlistAll.action", [("tid", tid), ("owner", owner), ("mute", "true")])
    }

    /// `team/update.action`.
    public static func updateTeam(tid: String, owner: String, settings: TeamSettings) -> NIMRequest {
        NIMRequest("team/update.action", [("tid", tid), ("owner", owner)] + settings.fields)
    }

    /// `team/query.action` with members, at most 10 tids.
    public static func queryTeams(_ tids: [String]) -> NIMRequest {
        NIMRequest("team/query.action", [("tids", jsonArray(tids)), ("ope", "1")])
    }

    /// `team/listTeamMute.action`: the muted members of a team.
    public static func listTeamMute(tid: String, owner: String) -> NIMRequest {
        NIMRequest("team/listTeamMute.action", [("tid", tid), ("owner", owner)])
    }

    /// `team/joinTeams.action`: the teams an account is in (the reconcile read-back).
    public static func joinedTeams(accid: String) -> NIMRequest {
        NIMRequest("team/joinTeams.action", [("accid", accid)])
    }
}
