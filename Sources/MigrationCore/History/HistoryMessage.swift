/// One message in the migration plan's line format (消息体格式介绍), after normalisation:
/// integers where the plan has numbers, NIM accids, new tids, rewritten URLs.
public struct HistoryMessage: Sendable, Equatable {
    /// Who talks to whom.
    public enum Conversation: Sendable, Equatable {
        case p2p(from: String, to: String)
        case team(accid: String, tid: String)
    }

    public var type: Int
    public var msgid: Int64
    public var createTime: Int64
    public var clientType: Int?
    public var conversation: Conversation
    public var body: String?
    /// The attachment object (written as a JSON string, as in the plan's examples).
    public var attach: JSONValue?
    public var ext: String?
    public var accid2: String?
    public var tinfo: [String: JSONValue]?
    /// The source's own id when it was not a number (`msgid` is then derived from it); kept in
    /// the id map, never written to the line.
    public var sourceMsgid: String?

    /// Whether the message goes to the team file.
    public var isTeam: Bool {
        if case .team = conversation { return true }
        return false
    }

    /// NIM overwrites a message with another that shares these four (注1).
    public var key: String {
        switch conversation {
        case .p2p(let from, let to): "\(msgid)|\(from)|\(to)|\(createTime)"
        case .team(let accid, let tid): "\(msgid)|\(accid)|t\(tid)|\(createTime)"
        }
    }

    /// The line as NIM's import reads it: `{"data":{…},"type":N}`, keys in a fixed order.
    public var line: String {
        var data: [(String, String)] = []
        if let ext { data.append(("ext", JSONText.quote(ext))) }
        if let clientType { data.append(("clientType", String(clientType))) }
        data.append(("createTime", String(createTime)))
        data.append(("msgid", String(msgid)))
        switch conversation {
        case .p2p(let from, let to):
            data.append(("from", JSONText.quote(from)))
            data.append(("to", JSONText.quote(to)))
        case .team(let accid, let tid):
            data.append(("accid", JSONText.quote(accid)))
            if let accid2 { data.append(("accid2", JSONText.quote(accid2))) }
            if let tinfo { data.append(("tinfo", JSONText.object(tinfo))) }
            data.append(("tid", tid))
        }
        if let body { data.append(("body", JSONText.quote(body))) }
        if let attach { data.append(("attach", JSONText.quote(attach.text))) }
        let inner = data.map { "\(JSONText.quote($0.0)):\($0.1)" }.joined(separator: ",")
        return "{\"data\":{\(inner)},\"type\":\(type)}"
    }
}

/// JSON text helpers with a stable key order (sorted) and no escaped slashes.
enum JSONText {
    static func quote(_ s: String) -> String {
        var out = ""
        JSONValue.quote(s, into: &out)
        return out
    }

    static func object(_ members: [String: JSONValue]) -> String {
        "{" + members.keys.sorted().map { "\(quote($0)):\(members[$0]?.text ?? "null")" }.joined(separator: ",") + "}"
    }
}
