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
        var bytes: [UInt8] = []
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``line`` as UTF-8 (without a line break).
    public func write(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"data":{"#.utf8)
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(0x22)
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(0x22)
            out.append(UInt8(ascii: ":"))
        }
        func string(_ name: StaticString, _ value: String) {
            key(name)
            JSONValue.quote(value, into: &out)
        }
        func integer(_ name: StaticString, _ value: Int64) {
            key(name)
            Self.digits(value, into: &out)
        }
        if let ext { string("ext", ext) }
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
            if let tinfo {
                key("tinfo")
                JSONValue.object(tinfo).write(into: &out)
            }
            key("tid")
            out.append(contentsOf: tid.utf8)
        }
        if let body { string("body", body) }
        if let attach {
            // The attachment's JSON text, itself as a JSON string.
            key("attach")
            var text: [UInt8] = []
            attach.write(into: &text)
            text.withUnsafeBufferPointer { JSONValue.quote(bytes: $0, into: &out) }
        }
        out.append(contentsOf: #"},"type":"#.utf8)
        Self.digits(Int64(type), into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The decimal digits of `value`.
    static func digits(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, never on the heap
        withUnsafeMutableBytes(of: &reversed) { digits in
            var count = 0
            repeat {
                digits[count] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(digits[index]) }
        }
    }
}
