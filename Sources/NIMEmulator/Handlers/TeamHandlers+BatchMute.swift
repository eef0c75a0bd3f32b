internal import EmulatorKit
import GRDB

extension TeamHandlers {
    /// The only method NIM serves `/im/v2/team_members/actions/batch_mute` with.
    static let batchMuteMethod = "PATCH"
    /// Most accounts one batch-mute call may name.
    static let batchMuteLimit = 10

    /// `PATCH /im/v2/team_members/actions/batch_mute`: mutes (`chat_banned: true`) or unmutes
    /// up to 10 members of an advanced team in one call; the same `team_members.muted` flag as
    /// v1 `team/muteTlist.action`, so `team/listTeamMute.action`, `team/queryDetail.action` and
    /// the dump show the result.
    ///
    /// Source followed: NetEase's page "批量禁言群成员" (doc.commsease.com/messaging2/server-apis/
    /// DkyNjI4ODk, updated 2025-11-28) and its apifox twin (yunxin-im.apifox.cn/api-146833481):
    /// method **PATCH**, body `operator_id` (String, required), `team_type` (1 advanced, 2 super;
    /// required), `team_id` (Long, required), `chat_ban_account_ids` (required, at most 10),
    /// `chat_banned` (Boolean, optional, default **false** = unmute); answer
    /// `data.success_list` (accounts) and `data.failed_list` (`account_id`, `error_code`,
    /// `error_msg`). For an advanced team only the owner may batch-mute (the same page; managers
    /// may only for super teams). The official Java SDK agrees on PATCH
    /// (`TeamMemberV2Service.batchMuteTeamMembers`, `BatchMuteTeamMembersRequestV2`); the
    /// team's reference §4.3 lists it as POST, which neither source supports, so any other
    /// method is refused (see ``wrongMethod(_:)``).
    ///
    /// Errors (6-digit codes from NetEase's `V2NIMErrorCode` table):
    /// * 414: a field missing or malformed, `team_type` not 1/2, more than 10 accounts.
    /// * 108404: no such team (the emulator holds advanced teams only, so `team_type` 2 never
    ///   names one); 102404: the operator's account does not exist; 109427: the operator is
    ///   not the owner.
    /// * 109304: the list names the owner; 109301: the list names an existing account that is
    ///   not in the team. Both refuse the whole call: nothing changes.
    /// * An account that does not exist (or is not a valid accid) is reported in `failed_list`
    ///   with 102404 `"<id> not valid"`, as in the official example; the other accounts are
    ///   still muted.
    static func batchMute(_ request: V2Request, _ core: EmulatorCore) async throws -> JSONValue {
        let operatorAccid = try request.accid("operator_id")
        let teamType = try request.requiredInt("team_type", in: [1, 2])
        let tid = try request.requiredInt("team_id")
        guard tid > 0 else { throw NIMFailure.invalid("team_id") }
        let listed = try request.stringArray("chat_ban_account_ids", maxCount: batchMuteLimit)
        let chatBanned = try request.optionalBool("chat_banned") ?? false
        let (succeeded, failed) = try await core.store.write { db -> ([String], [JSONValue]) in
            guard teamType == 1, let team = try TeamRecord.fetchOne(db, key: tid) else {
                throw NIMFailure.v2TeamNotExist(tid)
            }
            guard try UserRecord.fetchOne(db, key: operatorAccid) != nil else {
                throw NIMFailure.v2AccountNotExist(operatorAccid)
            }
            guard team.owner == operatorAccid, try membership(db, tid, operatorAccid)?.role == .owner else {
                throw NIMFailure.v2OwnerRequired
            }
            var seen = Set<String>()
            var targets: [TeamMemberRecord] = []
            var failed: [JSONValue] = []
            for raw in listed {
                guard let accid = try? V1Parameters.normalizedAccid(raw, parameter: "chat_ban_account_ids"),
                    try UserRecord.fetchOne(db, key: accid) != nil
                else {
                    failed.append([
                        "account_id": .string(raw), "error_code": 102404, "error_msg": .string("\(raw) not valid"),
                    ])
                    continue
                }
                guard seen.insert(accid).inserted else { continue }
                guard let member = try membership(db, tid, accid) else { throw NIMFailure.v2ChatBanNonMember(accid) }
                guard member.role != .owner else { throw NIMFailure.v2ChatBanOwner }
                targets.append(member)
            }
            for var member in targets {
                member.muted = chatBanned
                try member.update(db)
            }
            return (targets.map(\.accid), failed)
        }
        return ["success_list": .strings(succeeded), "failed_list": .array(failed)]
    }

    /// The answer to `batch_mute` with any method but PATCH. NIM documents no answer for a
    /// wrong method; the emulator refuses it the HTTP way, 405 with `Allow: PATCH`, and a v2
    /// body saying so, so that a client following the reference's POST fails loudly instead
    /// of muting nobody unnoticed. Nothing is read or changed.
    static func wrongMethod(_ method: String) -> NIMFailure {
        NIMFailure(
            code: 405,
            desc: "method \(method) not allowed for /im/v2/team_members/actions/batch_mute (use \(batchMuteMethod))")
    }
}
