internal import Foundation

/// Easemob accounts → `users.jsonl`: the `GET /users` pages for who exists, the user-attribute
/// responses for the profile (SPEC §9: the attribute `nickname` is the NIM `name`; the page's
/// `nickname` is Easemob's push name, a fallback only).
struct EasemobUsers {
    let root: String

    /// The attribute keys that have a NIM profile field, and that field.
    static let attributeFields: [(easemob: String, nim: String)] = [
        ("avatarurl", "icon"), ("phone", "mobile"), ("mail", "email"), ("sign", "sign"), ("birth", "birth"),
    ]

    func convert(into writer: CanonicalFileWriter, origins: inout SourceOriginsBuilder) throws -> [Problem] {
        var problems: [Problem] = []
        var attributes: [String: (values: [String: JSONValue], file: String, line: Int, used: Bool)] = [:]
        for file in EasemobDocument.files(in: root, folder: "user-attributes") {
            guard let data = EasemobDocument.read(root + "/" + file),
                let json = try? JSONValue.parse(data), case .object(let users)? = json["data"]
            else {
                problems.append(
                    Problem(
                        stage: .users, file: file, line: 1, code: "invalid-json",
                        message: "not a user-attribute response ({\"data\":{username:{…}}}): file left out"))
                continue
            }
            let lines = JSONElements.keyLines(data, path: ["data"])
            for (username, value) in users {
                guard case .object(let values) = value else { continue }
                attributes[username.lowercased()] = (values, file, lines[username] ?? 1, false)
            }
        }
        for file in EasemobDocument.files(in: root, folder: "users") {
            let document = EasemobDocument(root: root, name: file, paths: [["entities"]], stage: .users)
            problems += document.problems
            for element in document.elements {
                guard let username = element.value["username"]?.string, !username.isEmpty else {
                    problems.append(
                        Problem(
                            stage: .users, file: file, line: element.line, code: "missing-field",
                            message: "an entity without username: left out"))
                    continue
                }
                var user: [String: JSONValue] = ["accid": .string(username)]
                if let push = element.value["nickname"]?.string, !push.isEmpty { user["name"] = .string(push) }
                if element.value["activated"] == .bool(false) {
                    problems.append(
                        Problem(
                            stage: .users, file: file, line: element.line, code: "banned-user",
                            message: "'\(username)' is deactivated in Easemob; it is migrated as an active account",
                            severity: .warning))
                }
                if var attribute = attributes[username.lowercased()] {
                    attribute.used = true
                    attributes[username.lowercased()] = attribute
                    Self.apply(attribute.values, to: &user)
                }
                try writer.write(JSONValue.object(user).text)
                origins.add(writer.name, from: file, line: element.line)
            }
        }
        for (username, attribute) in attributes.sorted(by: { $0.key < $1.key }) where !attribute.used {
            problems.append(
                Problem(
                    stage: .users, file: attribute.file, line: attribute.line, code: "unknown-user",
                    message: "attributes of '\(username)', who is on no users page: left out", severity: .warning))
        }
        return problems
    }

    /// The user-attribute values on a canonical user line.
    static func apply(_ values: [String: JSONValue], to user: inout [String: JSONValue]) {
        if let name = values["nickname"]?.string, !name.isEmpty { user["name"] = .string(name) }
        for (easemob, nim) in attributeFields {
            if let value = values[easemob], value != .null, value != .string("") { user[nim] = value }
        }
        if let gender = values["gender"].flatMap(HistoryNormalizer.integer) { user["gender"] = .int(gender) }
        if let ext = values["ext"], ext != .null { user["ex"] = ext }
    }
}
