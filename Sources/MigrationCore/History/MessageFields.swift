internal import Foundation

/// The members of a message line that the plan's format knows, read straight from the line's
/// bytes: the top level's `type` and `data`, and within `data` the fields below. No dictionary is
/// built for either level, and other members are read (the line must still be valid JSON) and
/// dropped. A member given twice counts with its last value, as in a parsed object.
struct MessageFields {
    /// `type` at the top level.
    var type: JSONValue?
    /// `fetch` at the top level (how to download the attachment: the files stage reads it).
    var fetch: JSONValue?
    /// Whether `data` is present and an object.
    var hasData = false
    var msgid: JSONValue?
    var createTime: JSONValue?
    var clientType: JSONValue?
    /// `from`, `to` and `accid`: read in place (``PlainText``) when they are strings without
    /// escapes, which is what the history pass looks them up by; otherwise parsed.
    private var fromValue: JSONValue?
    private var toValue: JSONValue?
    private var accidValue: JSONValue?
    private(set) var fromText: PlainText?
    private(set) var toText: PlainText?
    private(set) var accidText: PlainText?
    var from: JSONValue? { fromText.map { .string($0.string) } ?? fromValue }
    var to: JSONValue? { toText.map { .string($0.string) } ?? toValue }
    var accid: JSONValue? { accidText.map { .string($0.string) } ?? accidValue }
    var tid: JSONValue?
    var body: JSONValue?
    /// `attach` when it is an object in the line (read as an ``AttachObject``), or else as parsed.
    var attachObject: AttachObject?
    var attach: JSONValue?
    var ext: JSONValue?
    var accid2: JSONValue?
    var tinfo: JSONValue?
    /// With `verbatim`: `body` and `ext` strings as they lie in the line, when their text is
    /// already the output's (see ``JSONParser/canonicalString()``). Valid while the line is.
    var verbatimBody: UnsafeBufferPointer<UInt8>?
    var verbatimExt: UnsafeBufferPointer<UInt8>?

    /// Reads one line; nil when it is not a JSON object. `verbatim`: see ``verbatimBody``.
    static func read(_ line: UnsafeBufferPointer<UInt8>, verbatim: Bool = false) -> MessageFields? {
        var fields = MessageFields()
        return read(line, verbatim: verbatim, into: &fields) ? fields : nil
    }

    /// Reads one line into `fields` (whatever they held is replaced); false when it is not a JSON
    /// object. In place: the history pass keeps two and reads each line into one of them.
    static func read(_ line: UnsafeBufferPointer<UInt8>, verbatim: Bool, into fields: inout MessageFields) -> Bool {
        fields = MessageFields()
        let isObject = try? JSONParser.parse(buffer: line) { parser -> Bool in
            guard parser.atObject else {
                _ = try parser.value(depth: 0)
                return false
            }
            try parser.members(depth: 0) { key, parser in
                if Self.matches(key, "data") {
                    fields.clearData()
                    guard parser.atObject else {
                        _ = try parser.value(depth: 1)
                        return
                    }
                    fields.hasData = true
                    try parser.members(depth: 1) { key, parser in
                        if key.count == 6, parser.atObject, Self.matches(key, "attach") {
                            fields.attachObject = try AttachObject(reading: &parser, depth: 2)
                            fields.attach = nil
                            return
                        }
                        if verbatim, try fields.setVerbatim(key, &parser) { return }
                        let value = try parser.value(depth: 2)
                        fields.set(key, value)
                    }
                } else if Self.matches(key, "type") {
                    fields.type = try parser.value(depth: 1)
                } else if Self.matches(key, "fetch") {
                    fields.fetch = try parser.value(depth: 1)
                } else {
                    _ = try parser.value(depth: 1)
                }
            }
            return true
        }
        return isObject == true
    }

    /// A later `data` replaces an earlier one whole.
    private mutating func clearData() {
        let (type, fetch) = (self.type, self.fetch)
        self = MessageFields()
        (self.type, self.fetch) = (type, fetch)
    }

    /// Stores `body` or `ext` as it lies in the line when it can, and `from`, `to` or `accid` as
    /// ``PlainText``; false when the member is another, or not such a string (nothing read then).
    private mutating func setVerbatim(_ key: UnsafeBufferPointer<UInt8>, _ parser: inout JSONParser) throws -> Bool {
        if key.count <= 5, Self.matches(key, "from") || Self.matches(key, "to") || Self.matches(key, "accid") {
            guard let text = parser.plainStringValue().map(PlainText.init) else { return false }
            switch key.count {
            case 4: (fromValue, fromText) = (nil, text)
            case 2: (toValue, toText) = (nil, text)
            default: (accidValue, accidText) = (nil, text)
            }
            return true
        }
        let isBody = Self.matches(key, "body")
        guard isBody || Self.matches(key, "ext"), let text = parser.canonicalString() else { return false }
        if isBody {
            body = nil
            verbatimBody = text
        } else {
            ext = nil
            verbatimExt = text
        }
        return true
    }

    /// Stores a member of `data` the plan knows (by length first: the lookup is hot).
    private mutating func set(_ key: UnsafeBufferPointer<UInt8>, _ value: JSONValue) {
        switch key.count {
        case 2: if Self.matches(key, "to") { (toValue, toText) = (value, nil) }
        case 3:
            if Self.matches(key, "tid") {
                tid = value
            } else if Self.matches(key, "ext") {
                ext = value
                verbatimExt = nil
            }
        case 4:
            if Self.matches(key, "from") {
                (fromValue, fromText) = (value, nil)
            } else if Self.matches(key, "body") {
                body = value
                verbatimBody = nil
            }
        case 5:
            if Self.matches(key, "msgid") {
                msgid = value
            } else if Self.matches(key, "accid") {
                (accidValue, accidText) = (value, nil)
            } else if Self.matches(key, "tinfo") {
                tinfo = value
            }
        case 6:
            if Self.matches(key, "attach") {
                attach = value
                attachObject = nil
            } else if Self.matches(key, "accid2") {
                accid2 = value
            }
        case 10:
            if Self.matches(key, "createTime") {
                createTime = value
            } else if Self.matches(key, "clientType") {
                clientType = value
            }
        default: break
        }
    }

    private static func matches(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount, let base = key.baseAddress else { return false }
        return memcmp(base, name.utf8Start, key.count) == 0
    }
}

/// A string member without escapes, as it lies in the line (valid while the line is), with its
/// ``StableHasher`` hash: the same as the hash of the `String` it reads as, when its bytes are valid
/// UTF-8.
struct PlainText {
    let bytes: UnsafeBufferPointer<UInt8>
    let hash: UInt64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        hash = UInt64(bitPattern: StableHasher.hash(UnsafeRawBufferPointer(bytes)))
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The text lower-cased, when it is all ASCII (nil otherwise).
    var lowercasedASCII: String? {
        var ascii = true
        for byte in bytes where byte >= 0x80 { ascii = false }
        guard ascii else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            for (index, byte) in bytes.enumerated() {
                out[index] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            }
            return bytes.count
        }
    }
}
