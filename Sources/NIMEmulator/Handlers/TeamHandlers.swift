internal import EmulatorKit
import GRDB

/// `team/*.action` for advanced teams (reference §2.7): creation, settings and dismissal.
/// Member management is in `TeamHandlers+Members.swift`, reads in `TeamHandlers+Query.swift`.
///
/// Invitations: when `magree` is 1 and the team's `beinvitemode` is 0 (invitees must agree),
/// NIM only sends invitations; the emulator then adds nobody, as no client will accept.
enum TeamHandlers {
    /// The first tid issued; later ones count up from it.
    static let firstTid: Int64 = 10001
    /// Largest `teamMemberLimit` accepted (stands for the app-configured maximum).
    static let maxTeamMemberLimit: Int64 = 2000
    /// The mode parameters of create/update and their allowed values.
    static let modeRanges: [(String, Set<Int64>)] = [
        ("beinvitemode", [0, 1]), ("invitemode", [0, 1]), ("uptinfomode", [0, 1]), ("upcustommode", [0, 1]),
    ]

    /// `team/create.action`: a new team owned by `owner` with `members` invited (≤199 + owner).
    static func create(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let tname = try p.required("tname", max: 64)
        let owner = try p.accid("owner")
        let invitees = try p.accidArray("members", maxCount: 200).filter { $0 != owner }
        guard invitees.count + 1 <= 200 else {
            throw NIMFailure(code: 414, desc: "members plus owner exceed 200")
        }
        _ = try p.required("msg", max: 150)
        let joinmode = try p.requiredInt("joinmode", in: [0, 1, 2])
        let magree = try p.optionalInt("magree", in: [0, 1]) ?? 0
        let limit = try p.optionalInt("teamMemberLimit") ?? 200
        guard (2...maxTeamMemberLimit).contains(limit) else { throw NIMFailure.invalid("teamMemberLimit") }
        _ = try p.optional("attach", max: 512)
        let modes = try modeValues(p)
        let now = core.nowMs()
        let draft = TeamRecord(
            tid: 0, tname: tname, owner: owner,
            intro: try p.optional("intro", max: 512),
            announcement: try p.optional("announcement", max: 1024),
            icon: try p.optional("icon", max: 1024),
            custom: try p.optional("custom", max: 1024),
            joinmode: Int(joinmode),
            beinvitemode: modes["beinvitemode"] ?? 0, invitemode: modes["invitemode"] ?? 0,
            uptinfomode: modes["uptinfomode"] ?? 0, upcustommode: modes["upcustommode"] ?? 0,
            teamMemberLimit: Int(limit), muteType: 0, createTime: now, updateTime: now)
        guard invitees.count + 1 <= draft.teamMemberLimit else {
            throw NIMFailure(code: 801, desc: "team member count over limit")
        }
        let tid = try await core.store.write { db -> Int64 in
            _ = try UserHandlers.existingUser(db, owner)
            for accid in invitees { _ = try UserHandlers.existingUser(db, accid) }
            var team = draft
            team.tid = try Counters.next(db, Counters.tid, start: firstTid)
            try team.insert(db)
            try TeamMemberRecord(tid: team.tid, accid: owner, role: .owner, muted: false, joinTime: now).insert(db)
            if !(magree == 1 && team.beinvitemode == 0) {
                for accid in invitees {
                    try TeamMemberRecord(tid: team.tid, accid: accid, role: .normal, muted: false, joinTime: now)
                        .insert(db)
                }
            }
            return team.tid
        }
        return ["code": 200, "tid": .string(String(tid)), "faccid": ["accid": [], "msg": ""]]
    }

    /// `team/update.action`: changes team settings; owner only.
    static func update(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, owner) = try p.teamAndActor()
        let tname = try p.optional("tname", max: 64)
        let intro = try p.optional("intro", max: 512)
        let announcement = try p.optional("announcement", max: 1024)
        let icon = try p.optional("icon", max: 1024)
        let custom = try p.optional("custom", max: 1024)
        _ = try p.optional("attach", max: 512)
        let joinmode = try p.optionalInt("joinmode", in: [0, 1, 2])
        let modes = try modeValues(p)
        let limit = try p.optionalInt("teamMemberLimit")
        if let limit, !(2...maxTeamMemberLimit).contains(limit) { throw NIMFailure.invalid("teamMemberLimit") }
        let now = core.nowMs()
        try await core.store.write { db in
            var team = try ownedTeam(db, tid, by: owner)
            if let tname { team.tname = tname }
            if let intro { team.intro = intro }
            if let announcement { team.announcement = announcement }
            if let icon { team.icon = icon }
            if let custom { team.custom = custom }
            if let joinmode { team.joinmode = Int(joinmode) }
            team.beinvitemode = modes["beinvitemode"] ?? team.beinvitemode
            team.invitemode = modes["invitemode"] ?? team.invitemode
            team.uptinfomode = modes["uptinfomode"] ?? team.uptinfomode
            team.upcustommode = modes["upcustommode"] ?? team.upcustommode
            if let limit {
                guard Int(limit) >= (try memberCount(db, tid)) else { throw NIMFailure.invalid("teamMemberLimit") }
                team.teamMemberLimit = Int(limit)
            }
            try save(&team, db, now: now)
        }
        return ["code": 200]
    }

    /// `team/remove.action`: dismisses the team; owner only.
    static func remove(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let (tid, owner) = try p.teamAndActor()
        try await core.store.write { db in
            let team = try ownedTeam(db, tid, by: owner)
            try db.execute(sql: "DELETE FROM team_members WHERE tid = ?", arguments: [tid])
            try team.delete(db)
        }
        return ["code": 200]
    }

    /// The mode parameters present in the call, validated.
    static func modeValues(_ p: V1Parameters) throws -> [String: Int] {
        var modes: [String: Int] = [:]
        for (name, allowed) in modeRanges {
            if let value = try p.optionalInt(name, in: allowed) { modes[name] = Int(value) }
        }
        return modes
    }

    /// The team, or `803`.
    static func existingTeam(_ db: Database, _ tid: Int64) throws -> TeamRecord {
        guard let team = try TeamRecord.fetchOne(db, key: tid) else { throw NIMFailure.noTeam(tid) }
        return team
    }

    /// The team, when `owner` owns it (802 otherwise).
    static func ownedTeam(_ db: Database, _ tid: Int64, by owner: String) throws -> TeamRecord {
        let team = try existingTeam(db, tid)
        guard team.owner == owner else { throw NIMFailure.noPermission }
        return team
    }

    /// The team and the role of `accid` in it, when it is the owner or a manager (802 otherwise).
    @discardableResult
    static func administeredTeam(_ db: Database, _ tid: Int64, by accid: String) throws
        -> (team: TeamRecord, role: TeamMemberRecord.Role)
    {
        let team = try existingTeam(db, tid)
        guard let role = try membership(db, tid, accid)?.role, role == .owner || role == .manager else {
            throw NIMFailure.noPermission
        }
        return (team, role)
    }

    /// All memberships of the team (owner included), sorted by accid.
    static func memberships(_ db: Database, _ tid: Int64) throws -> [TeamMemberRecord] {
        try TeamMemberRecord.filter(Column("tid") == tid).order(Column("accid")).fetchAll(db)
    }

    /// Team size, owner included.
    static func memberCount(_ db: Database, _ tid: Int64) throws -> Int {
        try TeamMemberRecord.filter(Column("tid") == tid).fetchCount(db)
    }

    /// One membership, `nil` when `accid` is not in the team.
    static func membership(_ db: Database, _ tid: Int64, _ accid: String) throws -> TeamMemberRecord? {
        try TeamMemberRecord.fetchOne(db, key: ["tid": tid, "accid": accid])
    }

    /// Saves a changed team, its `updateTime` set to `now` — and always moved forward, so that two
    /// changes within one millisecond still order.
    static func save(_ team: inout TeamRecord, _ db: Database, now: Int64) throws {
        team.updateTime = max(now, team.updateTime + 1)
        try team.update(db)
    }

    /// Changes and saves the memberships of `accids` in team `tid` (804 for a non-member); the
    /// owner's cannot be changed this way (`ownerFailure`).
    static func changeMembers(
        _ db: Database, _ tid: Int64, _ accids: [String], ownerFailure: NIMFailure,
        _ change: (inout TeamMemberRecord) -> Void
    ) throws {
        for accid in accids {
            var member = try member(db, tid, accid)
            guard member.role != .owner else { throw ownerFailure }
            change(&member)
            try member.update(db)
        }
    }

    /// `accid`'s membership of team `tid`; 804 when `accid` is not a member.
    static func member(_ db: Database, _ tid: Int64, _ accid: String) throws -> TeamMemberRecord {
        guard let member = try membership(db, tid, accid) else { throw NIMFailure.notInTeam(accid) }
        return member
    }
}
