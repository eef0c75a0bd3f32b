internal import Foundation

/// One line of an Easemob `chatmessages` file → one line of the plan's format with the old ids
/// (the history stage maps them like any canonical line).
///
/// `payload.from` / `payload.to` are the real sender and receiver (the top-level pair may be
/// `admin@easemob.com` for messages sent through the REST API); `chat` → p2p, `groupchat` →
/// team, `chatroom` and `cmd` are not history and are skipped with a count. Bodies map as SPEC §9
/// says; an attachment's `secret` becomes a `share-secret` download header, and a copy in the
/// export's `files/` (named by the URL's last path segment) is used before the URL. Those hints
/// travel beside `data` in a top-level `fetch` object, which only the files stage reads.
public struct EasemobMessage: Sendable {
    /// What becomes of a line.
    public enum Outcome: Equatable, Sendable {
        case line(String, warnings: [String])
        case skipped(code: String, reason: String)
        case rejected(code: String, reason: String)
    }

    /// Names of the files in the export's `files/` folder.
    let localFiles: Set<String>

    public init(localFiles: Set<String> = []) {
        self.localFiles = localFiles
    }

    /// Whether a received object is in Easemob's shape (history line or callback) rather than
    /// the canonical one.
    public static func isEasemob(_ value: JSONValue) -> Bool {
        value["msg_id"] != nil && value["payload"] != nil && value["data"] == nil
    }

    /// One line's bytes.
    func convert(_ bytes: Data) -> Outcome {
        guard let json = try? JSONValue.parse(bytes) else {
            return .rejected(code: "invalid-json", reason: "not a JSON object")
        }
        return convert(json)
    }

    /// One message object (a history line, or a real-time callback, whose group message may name
    /// its group in `group_id`).
    public func convert(_ json: JSONValue) -> Outcome {
        guard case .object(let top) = json else {
            return .rejected(code: "invalid-json", reason: "not a JSON object")
        }
        guard let msgid = top["msg_id"]?.string, !msgid.isEmpty else {
            return .rejected(code: "missing-field", reason: "msg_id is missing")
        }
        guard let timestamp = top["timestamp"], timestamp.string != nil else {
            return .rejected(code: "missing-field", reason: "timestamp is missing")
        }
        guard case .object(let payload)? = top["payload"] else {
            return .rejected(code: "missing-field", reason: "payload is missing")
        }
        var data: [String: JSONValue] = ["msgid": .string(msgid), "createTime": timestamp]
        // Easemob's oldest documented lines name sender and receiver only at the top level.
        guard let from = payload["from"]?.string ?? top["from"]?.string,
            let to = payload["to"]?.string ?? top["to"]?.string
        else {
            return .rejected(code: "missing-field", reason: "payload.from or payload.to is missing")
        }
        let bodies = payload["bodies"]?.array ?? []
        // The oldest documented variant puts chat_type in the body.
        let chatType = top["chat_type"] ?? payload["chat_type"] ?? bodies.first?["chat_type"]
        switch chatType?.string?.lowercased() {
        case "chat":
            data["from"] = .string(from)
            data["to"] = .string(to)
        case "groupchat":
            data["accid"] = .string(from)
            data["tid"] = .string(top["group_id"]?.string ?? to)
        case "chatroom":
            return .skipped(
                code: "chatroom-skipped", reason: "a chat-room message: chat rooms have no history to import")
        case let other:
            return .rejected(code: "invalid-type", reason: "chat_type \(other ?? "(missing)") is not chat or groupchat")
        }
        guard case .object(let body)? = bodies.first else {
            return .rejected(code: "missing-field", reason: "payload.bodies is empty")
        }
        var warnings: [String] = []
        if bodies.count > 1 { warnings.append("\(bodies.count) bodies: only the first is migrated") }
        if case .object(let ext)? = payload["ext"], !ext.isEmpty { data["ext"] = .object(ext) }
        let type: Int
        var fetch: [String: JSONValue] = [:]
        if let url = body["url"]?.string, !url.isEmpty {
            if let secret = body["secret"]?.string, !secret.isEmpty {
                fetch["headers"] = .object(["share-secret": .string(secret)])
            }
            if localFiles.contains(Self.lastSegment(url)) { fetch["local"] = .string("files/" + Self.lastSegment(url)) }
        }
        // A combined (forwarded) record: `type` "combine", or only `subType` "sub_combine".
        let isCombined = body["type"]?.string == "combine" || body["subType"]?.string == "sub_combine"
        switch isCombined ? "combine" : body["type"]?.string {
        case "combine":
            type = 100
            let (attach, summary) = Self.combined(body)
            data["attach"] = .object(attach)
            if let summary { data["body"] = .string(summary) }
        case "txt":
            type = 0
            data["body"] = .string(body["msg"]?.string ?? "")
        case "img", "audio", "video", "file":
            let kind = body["type"]?.string ?? ""
            type = ["img": 1, "audio": 2, "video": 3, "file": 6][kind] ?? 6
            guard let url = body["url"]?.string, !url.isEmpty else {
                return .rejected(code: "invalid-attach", reason: "a \(kind) body without url")
            }
            let attach = Self.media(body, url: url, kind: kind)
            if attach["ext"] == nil {
                warnings.append("the \(kind) attachment's name gives no extension: ext left out")
            }
            if let thumb = body["thumb"]?.string, !thumb.isEmpty {
                warnings.append("the thumbnail \(thumb) is not carried: NIM makes its own from the file")
            }
            data["attach"] = .object(attach)
        case "loc":
            type = 4
            var attach: [String: JSONValue] = [:]
            attach["title"] = body["addr"] ?? .string("")
            attach["lat"] = body["lat"] ?? .null
            attach["lng"] = body["lng"] ?? .null
            data["attach"] = .object(attach)
        case "custom":
            type = 100
            data["attach"] = .object(Self.custom(body))
        case "cmd":
            return .skipped(code: "cmd-skipped", reason: "a command (cmd) message is not history")
        case let other:
            return .rejected(
                code: "unknown-body-type", reason: "body type \(other ?? "(missing)") has no NIM message type")
        }
        var line: [String: JSONValue] = ["data": .object(data), "type": .int(Int64(type))]
        if !fetch.isEmpty { line["fetch"] = .object(fetch) }
        return .line(JSONValue.object(line).text, warnings: warnings)
    }

    /// Image, audio, video and file attachments: name, size, extension, `w`/`h`, `dur` in ms.
    ///
    /// The extension is the file name's; a name without one (Easemob clients send `"image"`) takes
    /// the URL's, and failing that the kind's usual format (an Easemob image is a JPEG, a voice
    /// message AMR, a video MP4); a file of unknown kind gets none.
    static func media(_ body: [String: JSONValue], url: String, kind: String) -> [String: JSONValue] {
        var attach: [String: JSONValue] = ["url": .string(url)]
        let name = body["filename"]?.string ?? lastSegment(url)
        attach["name"] = .string(name)
        if let size = body["file_length"].flatMap(HistoryNormalizer.integer) { attach["size"] = .int(size) }
        if let ext = extensionOf(name) ?? extensionOf(lastSegment(url)) ?? defaultExtensions[kind] {
            attach["ext"] = .string(ext)
        }
        let withSize = kind == "img" || kind == "video"
        if withSize, case .object(let size)? = body["size"] {
            if let w = size["width"].flatMap(HistoryNormalizer.integer) { attach["w"] = .int(w) }
            if let h = size["height"].flatMap(HistoryNormalizer.integer) { attach["h"] = .int(h) }
        }
        switch body["length"] {
        case .int(let seconds)?: attach["dur"] = .int(seconds * 1000)
        case .double(let seconds)?: attach["dur"] = .int(Int64((seconds * 1000).rounded()))
        case .string(let text)?:
            if let seconds = Double(text) { attach["dur"] = .int(Int64((seconds * 1000).rounded())) }
        default: break
        }
        return attach
    }

    /// The usual format of each attachment kind in Easemob's clients, for names without one.
    static let defaultExtensions = ["img": "jpg", "audio": "amr", "video": "mp4"]

    /// The lower-cased extension of a file name (letters and digits, at most 8), if it has one.
    static func extensionOf(_ name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), name.index(after: dot) < name.endIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        guard ext.count <= 8, ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return ext.lowercased()
    }

    /// A combined (forwarded) record → a custom message's attach keeping everything Easemob
    /// gives (`title`, `summary`, `url` — re-hosted like any attachment —, `filename`,
    /// `combineLevel`, `file_length` as `size`), and the text the message shows: its summary (or
    /// title), never the compatibility text alone.
    static func combined(_ body: [String: JSONValue]) -> (attach: [String: JSONValue], summary: String?) {
        var attach: [String: JSONValue] = ["type": .string("combine")]
        for key in ["title", "summary", "url", "filename", "combineLevel"] {
            if let value = body[key], value != .null { attach[key] = value }
        }
        if let size = body["file_length"].flatMap(HistoryNormalizer.integer) { attach["size"] = .int(size) }
        let text = [body["summary"]?.string, body["title"]?.string].compactMap { $0 }.first { !$0.isEmpty }
        return (attach, text)
    }

    /// A custom body's event and extensions; the old form (an array of one-key maps) and the
    /// `v2:customExts` map merge into one `customExts` map.
    static func custom(_ body: [String: JSONValue]) -> [String: JSONValue] {
        var attach: [String: JSONValue] = [:]
        if let event = body["customEvent"], event != .null { attach["customEvent"] = event }
        var exts: [String: JSONValue] = [:]
        for entry in body["customExts"]?.array ?? [] {
            if case .object(let pair) = entry { exts.merge(pair) { first, _ in first } }
        }
        if case .object(let map)? = body["customExts"] { exts.merge(map) { first, _ in first } }
        if case .object(let map)? = body["v2:customExts"] { exts.merge(map) { _, v2 in v2 } }
        if !exts.isEmpty { attach["customExts"] = .object(exts) }
        return attach
    }

    /// The last path segment of a URL, without its query.
    /// An avatar's reference: `files/<last segment>` when the export has that file (downloaded by
    /// hand or by `pull`: SPEC §9, a file in `files/` is taken before the URL), else the URL.
    static func localCopy(of url: String, root: String) -> String {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return url }
        let name = lastSegment(url)
        guard !name.isEmpty, !name.hasPrefix("."), FileManager.default.fileExists(atPath: root + "/files/" + name)
        else { return url }
        return "files/" + name
    }

    static func lastSegment(_ url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}
