/// One account of the export, as NIM's `user/create.action` takes it.
public struct SourceUser: Sendable, Codable, Equatable {
    public var accid: String
    public var name: String?
    public var icon: String?
    public var sign: String?
    public var email: String?
    public var birth: String?
    public var mobile: String?
    public var gender: Int?
    public var ex: String?
    public var token: String?

    /// The account as JSON, byte for byte what `JSONEncoder` with `.sortedKeys` writes.
    var json: String {
        JSONObjectWriter.object([
            "accid": .text(accid), "birth": .text(birth), "email": .text(email), "ex": .text(ex),
            "gender": .int(gender), "icon": .text(icon), "mobile": .text(mobile), "name": .text(name),
            "sign": .text(sign), "token": .text(token),
        ])
    }

    /// Reads one `users.jsonl` line; nil (with problems) when it has no usable accid field.
    static func read(_ reader: inout RecordReader) -> SourceUser? {
        guard let accid = reader.requiredID("accid") else { return nil }
        var user = SourceUser(accid: accid)
        user.name = reader.text("name", limit: 64)
        user.icon = reader.text("icon", limit: 1024)
        user.sign = reader.text("sign", limit: 256)
        user.email = reader.text("email", limit: 64)
        user.birth = reader.text("birth", limit: 16)
        user.mobile = reader.text("mobile", limit: 32)
        user.gender = reader.int("gender", allowed: 0...2)
        user.ex = reader.text("ex", limit: 1024)
        if let token = reader.text("token", limit: 1000) {
            if token.count > 128 {
                reader.problem(
                    "field-too-long", "token is longer than NIM's 128 characters: a new one is generated", .warning)
            } else {
                user.token = token
            }
        }
        return user
    }
}
