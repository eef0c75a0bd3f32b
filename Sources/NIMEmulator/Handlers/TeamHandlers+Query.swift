internal import EmulatorKit
import GRDB

extension TeamHandlers {
    /// `team/query.action`: up to 10 teams; `ope` 1 adds `admins` and `members` (ordinary
    /// members only: the owner and the managers are not repeated there).
    static func query(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let tids = try p.stringArray("tids", maxCount: 10).map { text -> Int64 in
            guard let tid = Int64(text), tid > 0 else { throw NIMFailure.invalid("tids") }
            return tid
        }
        let ope = try p.requiredInt("ope", in: [0, 1])
        let ignoreInvalid = try p.optionalBool("ignoreInvalid") ?? false
        let result = try await core.store.read { db -> (infos: [JSONValue], invalid: [Int64]) in
            var infos: [JSONValue] = []
            var invalid: [Int64] = []
            for tid in tids {
                guard let team = try TeamRecord.fetchOne(db, key: tid) else {
                    guard ignoreInvalid else { throw NIMFailure.noTeam(tid) }
                    invalid.append(tid)
                    continue
                }
                let members = try memberships(db, tid)
                var info = teamInfo(team, size: members.count)
                if ope == 1 {
                    info["admins"] = .strings(members.filter { $0.role == .manager }.map(\.accid))
                    info["members"] = .strings(members.filter { $0.role == .normal }.map(\.accid))
                }
                infos.append(.object(info))
            }
            return (infos, invalid)
        }
        var body: [String: JSONValue] = ["code": 200, "tinfos": .array(result.infos)]
        if ignoreInvalid { body["invalidTids"] = .array(result.invalid.map { .int($0) }) }
        return .object(body)
    }

    /// `team/queryDetail.action`: one team with `owner`, `admins` and `members` as objects.
    static func queryDetail(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let tid = try p.tid()
        let (team, members) = try await core.store.read { db in
            (try existingTeam(db, tid), try memberships(db, tid))
        }
        var info = teamInfo(team, size: members.count)
        func entry(_ member: TeamMemberRecord) -> JSONValue {
            [
                "accid": .string(member.accid), "nick": "", "mute": .bool(member.muted),
                "createtime": .int(member.joinTime), "updatetime": .int(member.joinTime),
            ]
        }
        if let owner = members.first(where: { $0.role == .owner }) { info["owner"] = entry(owner) }
        info["admins"] = .array(members.filter { $0.role == .manager }.map(entry))
        info["members"] = .array(members.filter { $0.role == .normal }.map(entry))
        return ["code": 200, "tinfo": .object(info)]
    }

    /// `team/joinTeams.action`: the teams `accid` belongs to (owned ones included), by tid.
    static func joinTeams(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let accid = try p.accid("accid")
        let infos = try await core.store.read { db -> [JSONValue] in
            _ = try UserHandlers.existingUser(db, accid)
            let tids = try Int64.fetchAll(
                db, sql: "SELECT tid FROM team_members WHERE accid = ? ORDER BY tid", arguments: [accid])
            return try tids.compactMap { tid in
                guard let team = try TeamRecord.fetchOne(db, key: tid) else { return nil }
                return .object(teamInfo(team, size: try memberCount(db, tid)))
            }
        }
        return ["code": 200, "count": .number(infos.count), "infos": .array(infos)]
    }

    /// The team fields NIM's query calls answer with; unset texts are empty strings, as NIM sends them.
    static func teamInfo(_ team: TeamRecord, size: Int) -> [String: JSONValue] {
        [
            "tid": .int(team.tid), "tname": .string(team.tname), "owner": .string(team.owner),
            "size": .number(size), "maxusers": .number(team.teamMemberLimit),
            "joinmode": .number(team.joinmode), "beinvitemode": .number(team.beinvitemode),
            "invitemode": .number(team.invitemode), "uptinfomode": .number(team.uptinfomode),
            "upcustommode": .number(team.upcustommode), "muteType": .number(team.muteType),
            "mute": .bool(team.muteType != 0), "createtime": .int(team.createTime), "updatetime": .int(team.updateTime),
            "intro": .string(team.intro ?? ""), "announcement": .string(team.announcement ?? ""),
            "icon": .string(team.icon ?? ""), "custom": .string(team.custom ?? ""),
        ]
    }
}
