internal import Foundation

/// One group's folder being read (``EasemobGroups``): its details, members, admins and mutes
/// become one `groups.jsonl` line; every entry of its files is accounted for.
struct GroupFolder {
    let root: String
    let folder: String
    var problems: [Problem] = []
    var book = AccountBook()
    private var stripped: [String] = []
    var detailsFile: String { folder + "/details.json" }
    var detailsLine = 1
    /// Milliseconds since the epoch when the export is converted (to tell mutes that have ended).
    let now: Int64

    init(root: String, folder: String, now: Int64) {
        self.root = root
        self.folder = folder
        self.now = now
    }

    /// The entries of an optional list file of the folder, with their lines.
    private struct ListFile {
        var name: String
        var elements: [EasemobDocument.Element] = []
    }

    mutating func convert() -> [String: JSONValue]? {
        let groupID = String(folder.dropFirst("chatgroups/".count))
        let lists = ["members.json", "admins.json", "mutes.json"].map { list($0) }
        guard let info = details(groupID) else {
            // The group is dropped (reported above): so is every entry of its other files.
            for list in lists { book.reported(list.name, list.elements.count) }
            return nil
        }
        let gid = info["id"]?.string ?? groupID
        var line = EasemobGroupInfo(info: info).fields(complete: true) {
            EasemobMessage.localCopy(of: $0, root: root)
        }
        line["gid"] = .string(gid)
        if info["disabled"] == .bool(true) {
            problems.append(
                Problem(
                    stage: .groups, file: detailsFile, line: detailsLine, code: "disabled-group",
                    message: "group \(gid) is disabled in Easemob; it is migrated as an active team", severity: .warning
                ))
        }
        var owner = info["owner"]?.string.map { user($0) }
        var members: [String] = []
        var admins: [String] = []
        // Affiliations (in the details) and members.json list the same people: merged.
        var roster: [(value: JSONValue, file: String?, line: Int)] =
            (info["affiliations"]?.array ?? []).map { ($0, nil, detailsLine) }
        roster += lists[0].elements.map { ($0.value, lists[0].name, $0.line) }
        for entry in roster {
            if let listed = entry.value["owner"]?.string {
                let listedOwner = user(listed)
                if owner == nil { owner = listedOwner }
                if listedOwner != owner { members.append(listedOwner) }
            } else if let admin = entry.value["admin"]?.string {
                members.append(user(admin))
                admins.append(user(admin))
            } else if let member = entry.value["member"]?.string ?? entry.value.string {
                members.append(user(member))
            } else {
                unreadable(entry.value, file: entry.file ?? detailsFile, line: entry.line, what: "a member entry")
                continue
            }
            if let file = entry.file { book.merged(file) }
        }
        guard let owner else {
            problems.append(
                Problem(
                    stage: .groups, file: detailsFile, line: detailsLine, code: "missing-field",
                    message: "group \(gid) has no owner: the group is not migrated"))
            book.withdrawn(detailsFile)
            book.unmerged(lists[0].name, book.files[lists[0].name]?.merged ?? 0)
            for list in lists.dropFirst() { book.reported(list.name, list.elements.count) }
            return nil
        }
        line["owner"] = .string(owner)
        for entry in lists[1].elements {
            guard let admin = entry.value.string ?? entry.value["user"]?.string ?? entry.value["admin"]?.string else {
                unreadable(entry.value, file: lists[1].name, line: entry.line, what: "an admin entry")
                continue
            }
            admins.append(user(admin))
            book.merged(lists[1].name)
        }
        var muted: [String] = []
        for entry in lists[2].elements {
            guard let name = entry.value["user"]?.string ?? entry.value.string else {
                unreadable(entry.value, file: lists[2].name, line: entry.line, what: "a mute entry")
                continue
            }
            // A mute that has ended is not carried over (NIM's team mute has no end).
            if let expire = entry.value["expire"].flatMap(HistoryNormalizer.integer), expire > 0, expire < now {
                problems.append(
                    Problem(
                        stage: .groups, file: lists[2].name, line: entry.line, code: "mute-expired",
                        message: "the mute of '\(name)' ended at \(expire) (ms): not carried over", severity: .warning))
                book.reported(lists[2].name)
                continue
            }
            muted.append(user(name))
            book.merged(lists[2].name)
        }
        line["members"] = .array(unique(members).filter { $0 != owner }.map(JSONValue.string))
        if !admins.isEmpty { line["admins"] = .array(unique(admins).map(JSONValue.string)) }
        if !muted.isEmpty { line["muted"] = .array(unique(muted).map(JSONValue.string)) }
        if !stripped.isEmpty {
            problems.append(
                Problem(
                    stage: .groups, file: detailsFile, line: detailsLine, code: "appkey-prefix",
                    message: "group \(gid): the appkey prefix was stripped from \(stripped.joined(separator: ", "))",
                    severity: .warning))
        }
        return line
    }

    /// The group object of `details.json`, or nil with the reason reported (the group is dropped).
    private mutating func details(_ groupID: String) -> [String: JSONValue]? {
        guard FileManager.default.fileExists(atPath: root + "/" + detailsFile) else {
            problems.append(
                Problem(
                    stage: .groups, file: folder, line: 0, code: "missing-file",
                    message: "no details.json: group \(groupID) is not migrated"))
            book.read(detailsFile)
            book.reported(detailsFile)
            return nil
        }
        let details = EasemobDocument(root: root, name: detailsFile, paths: [["data"]], stage: .groups)
        // A details document that breaks: its own problem says where; this one says what is lost.
        problems += details.problems
        let groups = details.elements.compactMap { element -> (info: [String: JSONValue], line: Int)? in
            guard case .object(let info) = element.value else { return nil }
            return (info, element.line)
        }
        let own = groups.first { $0.info["id"]?.string == groupID } ?? groups.first
        for other in details.elements where own.map({ $0.line != other.line }) ?? true {
            problems.append(
                Problem(
                    stage: .groups, file: detailsFile, line: other.line, code: "unexpected-entry",
                    message: own == nil
                        ? "\(other.value.text.prefix(60)) is not a group object: left out"
                        : "another group's details in \(folder): left out (save it in its own folder)"))
        }
        let entries = max(details.elements.count + details.unparsed, 1)
        book.read(detailsFile, entries)
        guard let own else {
            let damaged = !details.problems.isEmpty
            problems.append(
                Problem(
                    stage: .groups, file: detailsFile, line: details.problems.first?.line ?? 1,
                    code: damaged ? "group-dropped" : "missing-field",
                    message: "\(damaged ? "details.json cannot be read whole" : "details.json holds no group"): "
                        + "group \(groupID) is not migrated"))
            book.reported(detailsFile, entries)
            return nil
        }
        detailsLine = own.line
        book.passed(detailsFile)
        book.reported(detailsFile, entries - 1)
        return own.info
    }

    /// The entries of an optional list file of the folder.
    private mutating func list(_ name: String) -> ListFile {
        let file = folder + "/" + name
        guard FileManager.default.fileExists(atPath: root + "/" + file) else { return ListFile(name: file) }
        let document = EasemobDocument(root: root, name: file, paths: [["data"]], stage: .groups)
        document.account(file, stage: .groups, incomplete: "entries", problems: &problems, book: &book)
        return ListFile(name: file, elements: document.elements)
    }

    /// Reports an entry of a documented file whose shape this adapter cannot map.
    private mutating func unreadable(_ value: JSONValue, file: String, line: Int, what: String) {
        problems.append(
            Problem(
                stage: .groups, file: file, line: line, code: "unknown-entry",
                message: "\(what) names no user (\(value.text.prefix(80))): left out"))
        if file != detailsFile { book.reported(file) }
    }

    private func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// A user id with any appkey prefix stripped (and noted).
    private mutating func user(_ id: String) -> String {
        guard let bare = EasemobGroups.strippingAppKey(id) else { return id }
        if !stripped.contains(id) { stripped.append(id) }
        return bare
    }
}
