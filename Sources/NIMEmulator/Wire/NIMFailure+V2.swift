/// The v2 API's resource errors: 6-digit codes, `1` + resource (2 digits) + error (3 digits),
/// answered as `{"code":…,"msg":…}` (reference §4.2).
///
/// Codes and their texts are NetEase's `V2NIMErrorCode` table (resources 02 account, 04 friend,
/// 08 team, 09 team member), as published with the official V10 SDKs (e.g. `node-nim`, the NIM
/// Web SDK `V2NIMErrorMap`); `102404` with `"%s not valid"` is also the official apifox example of
/// a `failed_list` item (https://yunxin-im.apifox.cn/api-146833481). Parameter errors keep the
/// global 414 of that table ("parameter error"), with the field named in `msg`.
extension NIMFailure {
    /// 102404: an account named by the call does not exist.
    static func v2AccountNotExist(_ accid: String) -> NIMFailure {
        NIMFailure(code: 102404, desc: "account not exist: \(accid)")
    }

    /// 104429: an account tried to befriend itself.
    static let v2SelfFriend = NIMFailure(code: 104429, desc: "self friend operation not allowed")

    /// 108404: the team does not exist (or is not of the `team_type` given).
    static func v2TeamNotExist(_ tid: Int64) -> NIMFailure {
        NIMFailure(code: 108404, desc: "team not exist: \(tid)")
    }

    /// 109301: the chat-ban list names an account that is not in the team.
    static func v2ChatBanNonMember(_ accid: String) -> NIMFailure {
        NIMFailure(code: 109301, desc: "list of chat banned users contains non team members: \(accid)")
    }

    /// 109304: the chat-ban list names the team owner.
    static let v2ChatBanOwner = NIMFailure(code: 109304, desc: "list of chat banned users contains the team owner")

    /// 109427: only the team owner may do this.
    static let v2OwnerRequired = NIMFailure(code: 109427, desc: "team owner operation permission required")
}
