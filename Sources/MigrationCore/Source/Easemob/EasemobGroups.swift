internal import Foundation

/// Easemob chat groups → `groups.jsonl`, one line per `chatgroups/<groupid>/` folder:
/// `details.json` (name, description → intro, owner, custom, mute → whole-team mute, maxusers,
/// public / membersonly / allowinvites → join and invite modes), `members.json` (owner and member
/// entries), `admins.json` → managers, `mutes.json` → muted members.
///
/// Easemob writes some user ids with the appkey in front (`org#app_user1`); the prefix is
/// stripped and the group's line reported, so the operator sees which ids were rewritten.
struct EasemobGroups {
    let root: String

    func convert(into writer: CanonicalFileWriter, origins: inout SourceOriginsBuilder) throws -> [Problem] {
        var problems: [Problem] = []
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/chatgroups")) ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/chatgroups/" + $0, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
        for folder in folders {
            var group = GroupFolder(root: root, folder: "chatgroups/" + folder)
            if let line = group.convert() {
                try writer.write(JSONValue.object(line).text)
                origins.add(writer.name, from: group.detailsFile, line: group.detailsLine)
            }
            problems += group.problems
        }
        return problems
    }

    /// Strips an appkey prefix (`org#app_`) from an Easemob user id; nil when there is none.
    /// Org and app names are letters, digits and `-`, so the prefix ends at the first `_` after `#`.
    static func strippingAppKey(_ id: String) -> String? {
        guard let hash = id.firstIndex(of: "#"), let underscore = id[hash...].firstIndex(of: "_") else { return nil }
        return String(id[id.index(after: underscore)...])
    }
}

/// One group's folder being read.
private struct GroupFolder {
    let root: String
    let folder: String
    var problems: [Problem] = []
    var stripped: [String] = []
    var detailsFile: String { folder + "/details.json" }
    var detailsLine = 1

    init(root: String, folder: String) {
        self.root = root
        self.folder = folder
    }

    mutating func convert() -> [String: JSONValue]? {
        guard FileManager.default.fileExists(atPath: root + "/" + detailsFile) else {
            problems.append(
                Problem(
                    stage: .groups, file: folder, line: 0, code: "missing-file",
                    message: "no details.json: the group is not migrated"))
            return nil
        }
        let details = EasemobDocument(root: root, name: detailsFile, paths: [["data"]], stage: .groups)
        problems += details.problems
        guard let first = details.elements.first, case .object(let info) = first.value else {
            if details.problems.isEmpty {
                problems.append(
                    Problem(
                        stage: .groups, file: detailsFile, line: 1, code: "missing-field",
                        message: "details.json holds no group: the group is not migrated"))
            }
            return nil
        }
        detailsLine = first.line
        let gid = info["id"]?.string ?? String(folder.dropFirst("chatgroups/".count))
        var line: [String: JSONValue] = ["gid": .string(gid)]
        if let name = info["name"] ?? info["groupname"], name != .null { line["tname"] = name }
        if let description = info["description"], description != .null, description != .string("") {
            line["intro"] = description
        }
        if let custom = info["custom"], custom != .null, custom != .string("") { line["custom"] = custom }
        if let mute = info["mute"]?.bool { line["muteAll"] = .bool(mute) }
        if let maxusers = info["maxusers"].flatMap(HistoryNormalizer.integer) {
            line["teamMemberLimit"] = .int(maxusers)
        }
        let isPublic = info["public"]?.bool ?? true
        let approval = info["membersonly"]?.bool ?? false
        line["joinmode"] = .int(!isPublic ? 2 : approval ? 1 : 0)
        if let invites = info["allowinvites"]?.bool { line["invitemode"] = .int(invites ? 1 : 0) }

        var owner = info["owner"]?.string.map { user($0) }
        var members: [String] = []
        for element in list("members.json") {
            if let listed = element["owner"]?.string {
                let listedOwner = user(listed)
                if owner == nil { owner = listedOwner }
                if listedOwner != owner { members.append(listedOwner) }
            } else if let member = element["member"]?.string ?? element.string {
                members.append(user(member))
            }
        }
        guard let owner else {
            problems.append(
                Problem(
                    stage: .groups, file: detailsFile, line: detailsLine, code: "missing-field",
                    message: "group \(gid) has no owner: the group is not migrated"))
            return nil
        }
        line["owner"] = .string(owner)
        line["members"] = .array(members.filter { $0 != owner }.map(JSONValue.string))
        let admins = list("admins.json").compactMap { $0.string ?? $0["user"]?.string }.map { user($0) }
        if !admins.isEmpty { line["admins"] = .array(admins.map(JSONValue.string)) }
        let muted = list("mutes.json").compactMap { $0["user"]?.string ?? $0.string }.map { user($0) }
        if !muted.isEmpty { line["muted"] = .array(muted.map(JSONValue.string)) }
        if !stripped.isEmpty {
            problems.append(
                Problem(
                    stage: .groups, file: detailsFile, line: detailsLine, code: "appkey-prefix",
                    message: "group \(gid): the appkey prefix was stripped from \(stripped.joined(separator: ", "))",
                    severity: .warning))
        }
        return line
    }

    /// The elements of an optional list file of the folder.
    private mutating func list(_ name: String) -> [JSONValue] {
        let file = folder + "/" + name
        guard FileManager.default.fileExists(atPath: root + "/" + file) else { return [] }
        let document = EasemobDocument(root: root, name: file, paths: [["data"]], stage: .groups)
        problems += document.problems
        return document.elements.map(\.value)
    }

    /// A user id with any appkey prefix stripped (and noted).
    private mutating func user(_ id: String) -> String {
        guard let bare = EasemobGroups.strippingAppKey(id) else { return id }
        if !stripped.contains(id) { stripped.append(id) }
        return bare
    }
}
