public import Foundation

extension NIMRequest {
    /// `msg/fileUpload.action` (multipart), at most 15 MB.
    public static func uploadFile(_ content: Data, name: String, type: String?) -> NIMRequest {
        var request = NIMRequest("msg/fileUpload.action", [])
        request.body = .multipart(
            fields: [("type", type), ("ishttps", "true")].compactMap { k, v in v.map { (k, $0) } }, fileName: name,
            content: content)
        return request
    }

    /// `msg/upload.action` (base64 in a form field), at most 15 MB.
    public static func uploadBase64(_ content: Data, type: String?) -> NIMRequest {
        NIMRequest(
            "msg/upload.action", [("content", content.base64EncodedString()), ("type", type), ("ishttps", "true")])
    }

    /// `msg/sendMsg.action`; `ope` 0 p2p, 1 team. Not idempotent (no client key).
    public static func sendMessage(
        from: String, ope: Int, to: String, type: Int, body: String, ext: String?, option: String?
    ) -> NIMRequest {
        NIMRequest(
            "msg/sendMsg.action",
            [
                ("from", from), ("ope", String(ope)), ("to", to), ("type", String(type)), ("body", body), ("ext", ext),
                ("option", option),
            ], idempotent: false)
    }

    /// `history/querySessionMsg.action` between two accounts, ascending.
    public static func querySessionMessages(from: String, to: String, begin: Int64, end: Int64, limit: Int = 100)
        -> NIMRequest
    {
        NIMRequest(
            "history/querySessionMsg.action",
            [
                ("from", from), ("to", to), ("begintime", String(begin)), ("endtime", String(end)),
                ("limit", String(limit)), ("reverse", "1"),
            ])
    }

    /// `history/queryTeamMsg.action`, ascending.
    public static func queryTeamMessages(tid: String, accid: String, begin: Int64, end: Int64, limit: Int = 100)
        -> NIMRequest
    {
        NIMRequest(
            "history/queryTeamMsg.action",
            [
                ("tid", tid), ("accid", accid), ("begintime", String(begin)), ("endtime", String(end)),
                ("limit", String(limit)), ("reverse", "1"),
            ])
    }

    /// v2 `POST /im/v2.1/conversations`: one owner's conversation (`owner|1|peer`, `owner|2|tid`).
    public static func createConversation(id: String) -> NIMRequest {
        NIMRequest(v2: "/im/v2.1/conversations", json: .object(["conversation_id": .string(id)]))
    }
}
