/// A message's `attach` object as the history pass handles it: a handful of members kept in key
/// order in one array. Reading, checking and rewriting an attachment (`url`, `md5`, `size`, …)
/// costs a few string comparisons instead of a dictionary's hashing, allocation and, when the line
/// is written, sorting. Its text is ``JSONValue/text`` of the same object: keys in the order of
/// `String`'s `<`, each once (a key given twice counts with its last value, as in a parsed object).
struct AttachObject: Sendable, Equatable {
    private(set) var members: [(key: String, value: JSONValue)] = []

    init() {}

    init(_ object: [String: JSONValue]) {
        members = object.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// Reads the object at the parser's position (``JSONParser/atObject`` must hold).
    init(reading parser: inout JSONParser, depth: Int) throws {
        var object = AttachObject()
        try parser.members(depth: depth) { key, parser in
            object[String(decoding: key, as: UTF8.self)] = try parser.value(depth: depth + 1)
        }
        self = object
    }

    /// The object that JSON text holds; nil when the text is not a JSON object.
    init?(parsing text: String) {
        var text = text
        let object = text.withUTF8 { bytes in
            try? JSONParser.parse(buffer: bytes) { parser -> AttachObject? in
                guard parser.atObject else { return nil }
                return try AttachObject(reading: &parser, depth: 0)
            }
        }
        guard let object = object ?? nil else { return nil }
        self = object
    }

    subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            let index = members.firstIndex { $0.key >= key } ?? members.endIndex
            if index < members.endIndex, members[index].key == key {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.insert((key: key, value: newValue), at: index)
            }
        }
    }

    var json: JSONValue {
        .object(Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
    }

    /// ``JSONValue/text`` of ``json``, appended as UTF-8.
    func write(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.quote(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            member.value.write(into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func == (a: AttachObject, b: AttachObject) -> Bool {
        a.members.elementsEqual(b.members) { $0.key == $1.key && $0.value == $1.value }
    }
}
