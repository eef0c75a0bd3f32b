internal import Foundation

/// Easemob accounts → `users.jsonl`: the `GET /users` pages for who exists, the user-attribute
/// responses for the profile (SPEC §9: the attribute `nickname` is the NIM `name`; the page's
/// `nickname` is Easemob's push name, a fallback only).
///
/// Attribute files come in two documented forms: the batch response
/// `{"data":{"<username>":{"nickname":…}}}` and one user's `GET /metadata/user/{username}` saved as
/// `user-attributes/<username>.json`, `{"data":{"nickname":…,"avatarurl":…}}` — a `data` whose
/// values are not objects. Where an avatar came from is kept (`SourceOrigins.iconFile`), so a
/// failed download names the attribute file and line, not the users page.
struct EasemobUsers {
    let root: String

    /// The attribute keys that have a NIM profile field, and that field.
    static let attributeFields: [(easemob: String, nim: String)] = [
        ("avatarurl", "icon"), ("phone", "mobile"), ("mail", "email"), ("sign", "sign"), ("birth", "birth"),
    ]

    /// One user's attributes and where they are.
    struct Attributes {
        var values: [String: JSONValue]
        var file: String
        var line: Int
        /// The line of `avatarurl`, when given.
        var avatarLine: Int?
        var used = false
        /// Every entry that gave attributes of this user (a user can be in several files).
        var entries: [(file: String, line: Int)] = []

        /// Merges a later entry's attributes over these (its values win).
        mutating func merge(_ later: Attributes) {
            values.merge(later.values) { _, new in new }
            if later.values["avatarurl"] != nil {
                (file, line, avatarLine) = (later.file, later.line, later.avatarLine)
            }
            entries += later.entries
        }
    }

    /// Adds one entry's attributes of `username`.
    private static func add(_ entry: Attributes, for username: String, to attributes: inout [String: Attributes]) {
        var entry = entry
        entry.entries = [(entry.file, entry.line)]
        if attributes[username] == nil {
            attributes[username] = entry
        } else {
            attributes[username]?.merge(entry)
        }
    }

    func convert(
        into writer: CanonicalFileWriter, origins: inout SourceOriginsBuilder, book: inout AccountBook
    ) throws -> [Problem] {
        var problems: [Problem] = []
        var attributes: [String: Attributes] = [:]
        for file in EasemobDocument.files(in: root, folder: "user-attributes") {
            problems += readAttributes(file, into: &attributes, book: &book)
        }
        let pages = EasemobDocument.files(in: root, folder: "users")
        for (index, file) in pages.enumerated() {
            let document = EasemobDocument(root: root, name: file, paths: [["entities"]], stage: .users)
            document.account(
                file, stage: .users, incomplete: index == pages.count - 1 ? "users" : nil, problems: &problems,
                book: &book)
            for element in document.elements {
                guard let username = element.value["username"]?.string, !username.isEmpty else {
                    EasemobDocument.leaveOut(
                        element, of: file, stage: .users, code: "missing-field", "an entity without username: left out",
                        problems: &problems,
                        book: &book)
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
                var iconOrigin = (file: file, line: element.line)
                if var attribute = attributes[username.lowercased()] {
                    attribute.used = true
                    attributes[username.lowercased()] = attribute
                    Self.apply(attribute.values, to: &user)
                    // Easemob allows any attribute; those NIM has no field for are named, not lost quietly.
                    let unmapped = attribute.values.keys.filter { !Self.mappedAttributes.contains($0) }.sorted()
                    if !unmapped.isEmpty {
                        problems.append(
                            Problem(
                                stage: .users, file: attribute.file, line: attribute.line, code: "unmapped-attribute",
                                message: "attributes \(unmapped.joined(separator: ", ")) of '\(username)' have no NIM "
                                    + "profile field: left out (keep them in `ext` to carry them as ex)",
                                severity: .warning))
                    }
                    if let icon = user["icon"]?.string {
                        user["icon"] = .string(EasemobMessage.localCopy(of: icon, root: root))
                        iconOrigin = (attribute.file, attribute.avatarLine ?? attribute.line)
                    }
                }
                try writer.write(JSONValue.object(user).text)
                origins.add(writer.name, from: file, line: element.line)
                origins.add(SourceOrigins.iconFile(writer.name), from: iconOrigin.file, line: iconOrigin.line)
                book.passed(file)
            }
        }
        for (username, attribute) in attributes.sorted(by: { $0.key < $1.key }) {
            for entry in attribute.entries {
                if attribute.used {
                    book.merged(entry.file)
                } else {
                    problems.append(
                        Problem(
                            stage: .users, file: entry.file, line: entry.line, code: "unknown-user",
                            message: "attributes of '\(username)', who is on no users page: left out",
                            severity: .warning))
                    book.reported(entry.file)
                }
            }
        }
        return problems
    }

    /// Reads one attribute file, in either form.
    private func readAttributes(
        _ file: String, into attributes: inout [String: Attributes], book: inout AccountBook
    ) -> [Problem] {
        book.read(file)
        guard let data = EasemobDocument.read(root + "/" + file),
            let json = try? JSONValue.parse(data), case .object(let entries)? = json["data"]
        else {
            book.reported(file)
            return [
                Problem(
                    stage: .users, file: file, line: 1, code: "invalid-json",
                    message: "not a user-attribute response ({\"data\":{…}}): the file is left out")
            ]
        }
        let lines = JSONElements.keyLines(data, path: ["data"])
        // One user's response: the values are the attributes themselves; the user is the file's name.
        if !entries.isEmpty, !entries.values.contains(where: { if case .object = $0 { true } else { false } }) {
            let username = String(file.split(separator: "/").last?.dropLast(".json".count) ?? "")
            let line = lines.values.min() ?? 1
            Self.add(
                Attributes(values: entries, file: file, line: line, avatarLine: lines["avatarurl"]),
                for: username.lowercased(), to: &attributes)
            return []
        }
        // The batch response: one object per user. The file counts as one element per user.
        book.read(file, entries.count - 1)
        var problems: [Problem] = []
        for (username, value) in entries.sorted(by: { $0.key < $1.key }) {
            let line = lines[username] ?? 1
            guard case .object(let values) = value else {
                problems.append(
                    Problem(
                        stage: .users, file: file, line: line, code: "invalid-field",
                        message: "the attributes of '\(username)' are \(value.text), not an object: left out"))
                book.reported(file)
                continue
            }
            let valueLines = JSONElements.keyLines(data, path: ["data", username])
            Self.add(
                Attributes(values: values, file: file, line: line, avatarLine: valueLines["avatarurl"]),
                for: username.lowercased(), to: &attributes)
        }
        return problems
    }

    /// Every attribute key that has a NIM field.
    static let mappedAttributes = Set(attributeFields.map(\.easemob) + ["nickname", "gender", "ext"])

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
