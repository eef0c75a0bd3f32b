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
        var out = "{\"data\":{"
        out.reserveCapacity(160 + (body?.utf8.count ?? 0))
        var first = true
        func key(_ name: StaticString) {
            if !first { out += "," }
            first = false
            out += "\""
            out += name.description
            out += "\":"
        }
        func string(_ name: StaticString, _ value: String) {
            key(name)
            JSONValue.quote(value, into: &out)
        }
        if let ext { string("ext", ext) }
        if let clientType {
            key("clientType")
            out += String(clientType)
        }
        key("createTime")
        out += String(createTime)
        key("msgid")
        out += String(msgid)
        switch conversation {
        case .p2p(let from, let to):
            string("from", from)
            string("to", to)
        case .team(let accid, let tid):
            string("accid", accid)
            if let accid2 { string("accid2", accid2) }
            if let tinfo {
                key("tinfo")
                out += JSONText.object(tinfo)
            }
            key("tid")
            out += tid
        }
        if let body { string("body", body) }
        if let attach { string("attach", attach.text) }
        out += "},\"type\":"
        out += String(type)
        out += "}"
        return out
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
