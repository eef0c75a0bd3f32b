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
    public var attach: JSONValue? {
        get { attachment?.json }
        set { attachment = newValue.map(Attachment.init) }
    }
    /// ``attach`` as kept (the history pass sets it as an ``AttachObject``).
    var attachment: Attachment?
    public var ext: String?
    public var accid2: String?
    public var tinfo: [String: JSONValue]?
    /// `body` and `ext` as escaped JSON string text, copied to the line as they are (set by the
    /// history pass, which reads lines in place; they point into its read buffer).
    var verbatimBody: VerbatimText?
    var verbatimExt: VerbatimText?
    /// The source's own id when it was not a number (`msgid` is then derived from it); kept in
    /// the id map, never written to the line.
    public var sourceMsgid: String?

    /// Whether the message has a body (as text, or verbatim).
    var hasBody: Bool { body != nil || verbatimBody != nil }

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
        var bytes: [UInt8] = []
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``line`` as UTF-8 (without a line break).
    public func write(into out: inout [UInt8]) {
        // Objects first, as text: their size goes into the bound of the line.
        var attachText: [UInt8] = []
        attachment?.write(into: &attachText)
        var tinfoText: [UInt8] = []
        if let tinfo { JSONValue.object(tinfo).write(into: &tinfoText) }
        var strings = (ext?.utf8.count ?? 0) + (body?.utf8.count ?? 0) + (accid2?.utf8.count ?? 0)
        strings += (verbatimBody?.bytes.count ?? 0) + (verbatimExt?.bytes.count ?? 0)
        switch conversation {
        case .p2p(let from, let to): strings += from.utf8.count + to.utf8.count
        case .team(let accid, let tid): strings += accid.utf8.count + tid.utf8.count
        }
        let bound = 256 + 6 * strings + 2 * attachText.count + tinfoText.count
        LineWriter.write(into: &out, bound: bound) { line in
            line.text(#"{"data":{"#)
            var first = true
            func key(_ name: StaticString) {
                if !first { line.byte(UInt8(ascii: ",")) }
                first = false
                line.byte(0x22)
                line.text(name)
                line.byte(0x22)
                line.byte(UInt8(ascii: ":"))
            }
            func string(_ name: StaticString, _ value: String) {
                key(name)
                line.quoted(value)
            }
            func integer(_ name: StaticString, _ value: Int64) {
                key(name)
                line.integer(value)
            }
            if let verbatimExt {
                key("ext")
                line.verbatim(verbatimExt.bytes)
            } else if let ext {
                string("ext", ext)
            }
            if let clientType { integer("clientType", Int64(clientType)) }
            integer("createTime", createTime)
            integer("msgid", msgid)
            switch conversation {
            case .p2p(let from, let to):
                string("from", from)
                string("to", to)
            case .team(let accid, let tid):
                string("accid", accid)
                if let accid2 { string("accid2", accid2) }
                if tinfo != nil {
                    key("tinfo")
                    tinfoText.withUnsafeBufferPointer { line.bytes($0) }
                }
                key("tid")
                var tid = tid
                tid.withUTF8 { line.bytes($0) }
            }
            if let verbatimBody {
                key("body")
                line.verbatim(verbatimBody.bytes)
            } else if let body {
                string("body", body)
            }
            if attachment != nil {
                // The attachment's JSON text, itself as a JSON string.
                key("attach")
                attachText.withUnsafeBufferPointer { line.quoted($0) }
            }
            line.text(#"},"type":"#)
            line.integer(Int64(type))
            line.byte(UInt8(ascii: "}"))
        }
    }
}

/// JSON string text that is already escaped as the line needs it, read in place from a line.
struct VerbatimText: @unchecked Sendable, Equatable {
    let bytes: UnsafeBufferPointer<UInt8>

    static func == (a: VerbatimText, b: VerbatimText) -> Bool { a.bytes.elementsEqual(b.bytes) }
}

/// A message's attachment: an ``AttachObject`` (what the history pass makes), or any JSON value
/// set through ``HistoryMessage/attach``. Two are equal when their JSON is.
enum Attachment: Sendable, Equatable {
    case object(AttachObject)
    case value(JSONValue)

    init(_ value: JSONValue) {
        if case .object(let object) = value {
            self = .object(AttachObject(object))
        } else {
            self = .value(value)
        }
    }

    var json: JSONValue {
        switch self {
        case .object(let object): object.json
        case .value(let value): value
        }
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .object(let object): object.write(into: &out)
        case .value(let value): value.write(into: &out)
        }
    }

    static func == (a: Attachment, b: Attachment) -> Bool { a.json == b.json }
}
