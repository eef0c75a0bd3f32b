/// Easemob's group details → the fields of a `groups.jsonl` line: the one rule for an export's
/// `chatgroups/<id>/details.json` (``GroupFolder``) and for serve's `group_op_event` callbacks
/// (``EasemobEvent``), whose `info` spells some keys its own way (`title`, `max_users`,
/// `allow_user_invites`).
///
/// name → tname, description → intro, custom, avatar → icon, mute → whole-team mute, maxusers →
/// teamMemberLimit; a private group is joined by invitation only, a public one with `membersonly`
/// by approval; `allowinvites` lets members invite.
struct EasemobGroupInfo {
    let info: [String: JSONValue]

    /// The fields; `complete`: a whole group's details (an absent join setting is Easemob's
    /// default, an empty description is none), otherwise a partial update (absent keys stay
    /// unchanged, an empty description clears it). `icon` places the avatar's URL.
    func fields(complete: Bool, icon: (String) -> String = { $0 }) -> [String: JSONValue] {
        var group: [String: JSONValue] = [:]
        if let name = value("name", "groupname", "title") { group["tname"] = name }
        if let description = value("description"), !complete || description != .string("") {
            group["intro"] = description
        }
        if let custom = value("custom"), custom != .string("") { group["custom"] = custom }
        if let avatar = info["avatar"]?.string, !avatar.isEmpty { group["icon"] = .string(icon(avatar)) }
        if let mute = flag("mute") { group["muteAll"] = .bool(mute) }
        if let limit = value("maxusers", "max_users").flatMap(HistoryNormalizer.integer) {
            group["teamMemberLimit"] = .int(limit)
        }
        let isPublic = flag("public")
        let approval = flag("membersonly")
        if isPublic == false {
            group["joinmode"] = .int(2)
        } else if complete || approval != nil {
            group["joinmode"] = .int(approval == true ? 1 : 0)
        }
        if let invites = flag("allowinvites", "allow_user_invites") { group["invitemode"] = .int(invites ? 1 : 0) }
        return group
    }

    /// The first of `keys` present and not null.
    private func value(_ keys: String...) -> JSONValue? {
        keys.lazy.compactMap { info[$0] }.first { $0 != .null }
    }

    /// A boolean Easemob may write as `true` or `"true"`.
    private func flag(_ keys: String...) -> Bool? {
        switch keys.lazy.compactMap({ info[$0] }).first {
        case .bool(let flag)?: flag
        case .string(let text)?: text == "true"
        default: nil
        }
    }
}
