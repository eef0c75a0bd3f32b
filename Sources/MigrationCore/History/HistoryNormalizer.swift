public import Foundation

/// Reads one line of the plan's message format with its real looseness — `type`, `createTime`,
/// `clientType` and `msgid` as strings or numbers, `attach` as a JSON string or an object, `ext`
/// absent — validates it against the plan's rules, and maps it to NIM ids.
///
/// Design: parsing and validation are pure; the ids come from `Mapping`, which the history stage
/// fills from the state database (accids, gid → tid, old → new URL). A line is either a
/// ``HistoryMessage`` plus warnings (seconds converted, fields dropped), or rejected with a reason.
public struct HistoryNormalizer {
    /// Where ids and URLs come from.
    public struct Mapping {
        public var user: (String) -> UserResolution
        public var team: (String) -> String?
        /// The re-hosted URL with its uploaded file's md5 and size, when the files stage has it.
        public var file: (String) -> (url: String, md5: String, size: Int)?
        /// A shortcut the history pass gives: the accid of a reference read in place when it
        /// knows the answer without a lookup (nil: ask `user`). Must agree with `user`.
        var plainUser: ((PlainText) -> String?)? = nil

        public init(
            user: @escaping (String) -> UserResolution, team: @escaping (String) -> String?,
            file: @escaping (String) -> (url: String, md5: String, size: Int)?
        ) {
            self.user = user
            self.team = team
            self.file = file
        }
    }

    /// The outcome for one line.
    public enum Outcome {
        case message(HistoryMessage, warnings: [String], oldURL: String?)
        case rejected(code: String, reason: String)
    }

    public static let notificationTypes = 101...110

    /// The plan's chat message types: 0 text, 1 image, 2 audio, 3 video, 4 location, 6 file, 10
    /// tip, 100 custom. (A switch, not a `Set`: this runs for every line.)
    static func isChatType(_ type: Int64) -> Bool {
        switch type {
        case 0, 1, 2, 3, 4, 6, 10, 100: true
        default: false
        }
    }

    /// The plan's client types: 1, 2, 4, 8, 16, 32, 64.
    static func isClientType(_ value: Int64) -> Bool {
        value > 0 && value <= 64 && value & (value - 1) == 0
    }

    public let mapping: Mapping

    public init(mapping: Mapping) {
        self.mapping = mapping
    }

    /// Normalises one line's bytes.
    public func normalize(_ bytes: Data) -> Outcome {
        bytes.withUnsafeBytes { raw in normalize(raw.bindMemory(to: UInt8.self)) }
    }

    /// Normalises one line read in place. `verbatim`: the message's `body` and `ext` may point
    /// into `bytes` (written as they are); use it before `bytes` goes.
    public func normalize(_ bytes: UnsafeBufferPointer<UInt8>, verbatim: Bool = false) -> Outcome {
        guard let data = MessageFields.read(bytes, verbatim: verbatim) else { return Self.notAnObject }
        return normalize(data)
    }

    static var notAnObject: Outcome { .rejected(code: "invalid-json", reason: "not a JSON object") }

    /// Normalises a line already read (``MessageFields/read(_:verbatim:)``).
    func normalize(_ data: MessageFields) -> Outcome {
        guard data.hasData else {
            return .rejected(code: "missing-field", reason: "no data object")
        }
        guard let type = data.type.flatMap(Self.integer) else {
            return .rejected(code: "invalid-type", reason: "type is missing or not a number")
        }
        guard Self.isChatType(type) || Self.notificationTypes.contains(Int(type)) else {
            return .rejected(code: "invalid-type", reason: "type \(type) is not a message type of the plan")
        }
        var warnings: [String] = []
        guard let msgid = data.msgid.flatMap(Self.messageID) else {
            return .rejected(code: "missing-field", reason: "msgid is missing")
        }
        guard var createTime = data.createTime.flatMap(Self.integer), createTime > 0 else {
            return .rejected(code: "missing-field", reason: "createTime is missing or not a number")
        }
        if createTime < 100_000_000_000 {
            warnings.append("createTime \(createTime) is in seconds: converted to ms")
            createTime *= 1000
        }
        var clientType: Int? = nil
        if let raw = data.clientType, raw != .null {
            if let value = Self.integer(raw), Self.isClientType(value) {
                clientType = Int(value)
            } else {
                warnings.append("clientType \(raw.text) is not one of 1,2,4,8,16,32,64: left out")
            }
        }
        let conversation: HistoryMessage.Conversation
        switch conversationOf(data, type: Int(type)) {
        case .failure(let rejection): return .rejected(code: rejection.code, reason: rejection.reason)
        case .success(let value): conversation = value
        }
        var message = HistoryMessage(
            type: Int(type), msgid: msgid, createTime: createTime, clientType: clientType, conversation: conversation)
        if let raw = data.msgid, Self.integer(raw) == nil { message.sourceMsgid = raw.string }
        switch data.ext {
        case nil where data.verbatimExt != nil: message.verbatimExt = data.verbatimExt.map(VerbatimText.init)
        case nil, .null?: break
        case .string(let ext)?: message.ext = ext
        case let other?: message.ext = other.text
        }
        return content(data, into: message, warnings: warnings)
    }

    struct Rejection: Error {
        var code: String
        var reason: String
    }

    private func conversationOf(_ data: MessageFields, type: Int) -> Result<
        HistoryMessage.Conversation, Rejection
    > {
        if let tidValue = data.tid, tidValue != .null {
            guard let gid = tidValue.string, data.accidText != nil || data.accid?.string != nil else {
                return .failure(Rejection(code: "missing-field", reason: "a team message needs accid and tid"))
            }
            guard let tid = mapping.team(gid) else {
                return .failure(Rejection(code: "unknown-team", reason: "tid \(gid) is not a migrated group"))
            }
            return user(data.accidText, data.accid, "accid").map { .team(accid: $0, tid: tid) }
        }
        if Self.notificationTypes.contains(type) {
            return .failure(
                Rejection(
                    code: "notification-not-team", reason: "type \(type) is a team notification but the line has no tid"
                ))
        }
        guard data.fromText != nil || data.from?.string != nil, data.toText != nil || data.to?.string != nil else {
            return .failure(Rejection(code: "missing-field", reason: "a p2p message needs from and to"))
        }
        return user(data.fromText, data.from, "from").flatMap { from in
            user(data.toText, data.to, "to").map { .p2p(from: from, to: $0) }
        }
    }

    /// The accid of a reference: by the pass's shortcut when it has one, else through `user`.
    private func user(_ text: PlainText?, _ value: JSONValue?, _ field: String) -> Result<String, Rejection> {
        if let text, let accid = mapping.plainUser?(text) { return .success(accid) }
        return user(value?.string ?? "", field)
    }

    /// An integer from a number or a numeric string.
    static func integer(_ value: JSONValue) -> Int64? {
        switch value {
        case .int(let i): i
        case .string(let s): Int64(s) ?? Int64(s.trimmingCharacters(in: .whitespaces))
        case .double(let d) where d == d.rounded() && abs(d) < 9e18: Int64(d)
        default: nil
        }
    }

    /// A message id: an integer, or a stable positive 63-bit number derived from a non-numeric id.
    static func messageID(_ value: JSONValue) -> Int64? {
        if let int = integer(value), int >= 0 { return int }
        guard let text = value.string, !text.isEmpty else { return nil }
        return stableID(text)
    }

    /// FNV-1a 64 of the text, folded to a positive 63-bit integer.
    public static func stableID(_ text: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash & 0x7FFF_FFFF_FFFF_FFFF)
    }
}
