internal import MigrationCore

/// Easemob's message shape — its real-time callback and the lines of its hourly history files
/// (`msg_id`, `timestamp`, `chat_type`, `payload{bodies, ext, from, to}`; reference
/// source-exports §1.4) — turned into the canonical line, so that `/old/messages` takes both.
///
/// Mapping as SPEC §9 settles it: `txt.msg` → `body`; `img` size → `w`/`h`; `audio`/`video`
/// `length` seconds → `dur` ms; `loc` `addr` → `title`; `file` `filename` → `name`; `custom` event
/// and extensions kept in `attach`; `payload.ext` → `ext`. The real sender and receiver are
/// `payload.from`/`payload.to` (the envelope's pair may be `admin@easemob.com`); a group message's
/// group is `group_id`, else `payload.to`. `cmd` (command) messages are not chat messages: refused.
enum EasemobMessage {
    /// Whether a received object is in Easemob's shape rather than the canonical one.
    static func isEasemob(_ value: JSONValue) -> Bool {
        value["msg_id"] != nil && value["payload"] != nil && value["data"] == nil
    }

    /// The canonical line object, or why not.
    static func canonical(_ value: JSONValue) -> Result<JSONValue, SourceMessage.Rejection> {
        guard case .object(let payload)? = value["payload"], let body = payload["bodies"]?.array.first,
            let kind = body["type"]?.string
        else { return .failure(.init(code: "missing-field", reason: "an Easemob message needs payload.bodies")) }
        var data: [String: JSONValue] = [:]
        data["msgid"] = value["msg_id"]
        data["createTime"] = value["timestamp"]
        let from = payload["from"] ?? value["from"]
        let to = payload["to"] ?? value["to"]
        switch value["chat_type"]?.string {
        case "groupchat"?:
            data["accid"] = from
            data["tid"] = value["group_id"] ?? to
        case "chat"?, nil:
            data["from"] = from
            data["to"] = to
        case let other?:
            return .failure(.init(code: "unsupported", reason: "chat_type \(other) is not migrated"))
        }
        if let ext = payload["ext"], ext != .null { data["ext"] = .string(ext.string ?? ext.text) }
        let type: Int
        var attach: [String: JSONValue] = [:]
        switch kind {
        case "txt":
            type = 0
            data["body"] = body["msg"] ?? .string("")
        case "img", "audio", "video", "file":
            type = ["img": 1, "audio": 2, "video": 3, "file": 6][kind] ?? 6
            attach["url"] = body["url"]
            attach["name"] = body["filename"]
            attach["size"] = body["file_length"]
            if let name = body["filename"]?.string, let dot = name.lastIndex(of: ".") {
                attach["ext"] = .string(String(name[name.index(after: dot)...]))
            }
            if kind == "img" || kind == "video" {
                attach["w"] = body["size"]?["width"]
                attach["h"] = body["size"]?["height"]
            }
            if kind == "audio" || kind == "video", let seconds = body["length"]?.int {
                attach["dur"] = .int(seconds * 1000)
            }
        case "loc":
            type = 4
            attach["title"] = body["addr"]
            attach["lat"] = body["lat"]
            attach["lng"] = body["lng"]
        case "custom":
            type = 100
            attach["customEvent"] = body["customEvent"]
            attach["customExts"] = body["v2:customExts"] ?? body["customExts"]
        default:
            return .failure(.init(code: "unsupported", reason: "Easemob body type \(kind) is not migrated"))
        }
        if !attach.isEmpty { data["attach"] = .object(attach.filter { $0.value != .null }) }
        return .success(.object(["data": .object(data), "type": .int(Int64(type))]))
    }
}
