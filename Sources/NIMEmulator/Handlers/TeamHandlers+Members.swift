internal import EmulatorKit
import GRDB

extension TeamHandlers {
    /// `team/add.action`: invites up to 200 accounts. 809 when all are already members; 801
    /// (nobody added) when the team would exceed its `teamMemberLimit`.
    static func add(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, inviter) = try p.teamAndActor()
        let accids = try p.accidArray("members", maxCount: 200)
        _ = try p.required("msg", max: 150)
        let magree = try p.optionalInt("magree", in: [0, 1]) ?? 0
        _ = try p.optional("attach", max: 512)
        let now = core.nowMs()
        try await core.store.write { db in
            let team = try existingTeam(db, tid)
            let role = try membership(db, tid, inviter)?.role
            let allowed = role == .owner || role == .manager || (role == .normal && team.invitemode == 1)
            guard allowed else { throw NIMFailure.noPermission }
            for accid in accids { _ = try UserHandlers.existingUser(db, accid) }
            let newcomers = try accids.filter { try membership(db, tid, $0) == nil }
            guard !newcomers.isEmpty else { throw NIMFailure(code: 809, desc: "user already in team") }
            guard try memberCount(db, tid) + newcomers.count <= team.teamMemberLimit else {
                throw NIMFailure(code: 801, desc: "team member count over limit")
            }
            if magree == 1 && team.beinvitemode == 0 { return }
            for accid in newcomers {
                try TeamMemberRecord(tid: tid, accid: accid, role: .normal, muted: false, joinTime: now).insert(db)
            }
        }
        return ["code": 200, "faccid": ["accid": [], "msg": ""]]
    }

    /// `team/kick.action`: removes `member` (or up to 200 `members`); owner or managers.
    static func kick(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, operatorAccid) = try p.teamAndActor()
        let accids: [String]
        if let member = p["member"], !member.isEmpty {
            accids = [try p.accid("member")]
        } else {
            accids = try p.accidArray("members", maxCount: 200)
        }
        _ = try p.optional("attach", max: 512)
        try await core.store.write { db in
            let operatorRole = try administeredTeam(db, tid, by: operatorAccid).role
            for accid in accids {
                let target = try Self.member(db, tid, accid)
                guard target.role != .owner, operatorRole == .owner || target.role == .normal else {
                    throw NIMFailure.noPermission
                }
                try target.delete(db)
            }
        }
        return ["code": 200]
    }

    /// `team/leave.action`: `accid` leaves; the owner cannot.
    static func leave(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let tid = try p.tid()
        let accid = try p.accid("accid")
        try await core.store.write { db in
            _ = try existingTeam(db, tid)
            let member = try Self.member(db, tid, accid)
            guard member.role != .owner else { throw NIMFailure.noPermission }
            try member.delete(db)
        }
        return ["code": 200]
    }

    /// `team/addManager.action`: makes up to 10 members managers; owner only; 804 for non-members.
    static func addManager(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        try await setManagers(p, core, role: .manager)
    }

    /// `team/removeManager.action`: makes up to 10 managers ordinary members again; owner only.
    static func removeManager(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        try await setManagers(p, core, role: .normal)
    }

    private static func setManagers(
        _ p: V1Parameters, _ core: EmulatorCore, role: TeamMemberRecord.Role
    ) async throws -> JSONValue {
        let (tid, owner) = try p.teamAndActor()
        let accids = try p.accidArray("members", maxCount: 10)
        _ = try p.optional("attach", max: 512)
        try await core.store.write { db in
            _ = try ownedTeam(db, tid, by: owner)
            try changeMembers(db, tid, accids, ownerFailure: .invalid("members")) { $0.role = role }
        }
        return ["code": 200]
    }

    /// `team/changeOwner.action`: hands the team to `newowner`; `leave` 1 = old owner leaves, 2 = stays.
    static func changeOwner(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, owner) = try p.teamAndActor()
        let newOwner = try p.accid("newowner")
        let leave = try p.requiredInt("leave", in: [1, 2])
        let now = core.nowMs()
        try await core.store.write { db in
            var team = try existingTeam(db, tid)
            guard team.owner == owner, var old = try membership(db, tid, owner) else { throw NIMFailure.noPermission }
            var new = try Self.member(db, tid, newOwner)
            new.role = .owner
            try new.update(db)
            if leave == 1 {
                try old.delete(db)
            } else {
                old.role = .normal
                try old.update(db)
            }
            team.owner = newOwner
            try save(&team, db, now: now)
        }
        return ["code": 200]
    }

    /// `team/muteTlist.action`: mutes (1) or unmutes (0) one member; owner or managers.
    static func muteTlist(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, operatorAccid) = try p.teamAndActor()
        let accid = try p.accid("accid")
        let mute = try p.requiredInt("mute", in: [0, 1])
        _ = try p.optional("attach", max: 512)
        try await core.store.write { db in
            try administeredTeam(db, tid, by: operatorAccid)
            try changeMembers(db, tid, [accid], ownerFailure: .noPermission) { $0.muted = mute == 1 }
        }
        return ["code": 200]
    }

    /// `team/muteTlistAll.action`: whole-team mute by `mute` (true/false, wins) or `muteType` (0/1/3).
    static func muteTlistAll(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, operatorAccid) = try p.teamAndActor()
        let mute = try p.optionalBool("mute")
        let muteType = try p.optionalInt("muteType", in: [0, 1, 3])
        _ = try p.optional("attach", max: 512)
        guard let newType = mute.map({ $0 ? 1 : 0 }) ?? muteType.map({ Int($0) }) else {
            throw NIMFailure.missing("mute")
        }
        let now = core.nowMs()
        try await core.store.write { db in
            var team = try administeredTeam(db, tid, by: operatorAccid).team
            team.muteType = newType
            try save(&team, db, now: now)
        }
        return ["code": 200]
    }

    /// `team/listTeamMute.action`: the muted members of the team, sorted by accid.
    static func listTeamMute(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, operatorAccid) = try p.teamAndActor()
        let muted = try await core.store.read { db -> [TeamMemberRecord] in
            _ = try existingTeam(db, tid)
            guard try membership(db, tid, operatorAccid) != nil else { throw NIMFailure.notInTeam(operatorAccid) }
            return try memberships(db, tid).filter(\.muted)
        }
        let mutes: [JSONValue] = muted.map { member in
            ["accid": .string(member.accid), "tid": .int(tid), "mute": true, "nick": ""]
        }
        return ["code": 200, "mutes": .array(mutes)]
    }
}
