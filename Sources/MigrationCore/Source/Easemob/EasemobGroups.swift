internal import Foundation

/// Easemob chat groups → `groups.jsonl`, one line per `chatgroups/<groupid>/` folder:
/// `details.json` (name, description → intro, owner, custom, mute → whole-team mute, maxusers →
/// teamMemberLimit, avatar → icon, public / membersonly / allowinvites → join and invite modes,
/// `affiliations` → owner and members), `members.json` (`owner`, `member` and `admin` entries,
/// merged with the affiliations), `admins.json` → managers, `mutes.json` → muted members. The
/// saved group list pages (`chatgroups/*.json`) say which groups exist: a listed group without
/// its folder is reported, and so is a last page that still carries a cursor.
///
/// Easemob writes some user ids with the appkey in front (`org#app_user1`); the prefix is
/// stripped and the group's line reported, so the operator sees which ids were rewritten.
public struct EasemobGroups {
    let root: String

    func convert(
        into writer: CanonicalFileWriter, origins: inout SourceOriginsBuilder, book: inout AccountBook
    ) throws -> [Problem] {
        var problems: [Problem] = []
        let fm = FileManager.default
        let folders = ((try? fm.contentsOfDirectory(atPath: root + "/chatgroups")) ?? []).filter {
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: root + "/chatgroups/" + $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
        problems += readListPages(folders: Set(folders), book: &book)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for folder in folders {
            var group = GroupFolder(root: root, folder: "chatgroups/" + folder, now: now)
            if let line = group.convert() {
                try writer.write(JSONValue.object(line).text)
                origins.add(writer.name, from: group.detailsFile, line: group.detailsLine)
            }
            problems += group.problems
            book.add(group.book)
        }
        return problems
    }

    /// The saved `GET /chatgroups` pages: every listed group must have its folder.
    private func readListPages(folders: Set<String>, book: inout AccountBook) -> [Problem] {
        var problems: [Problem] = []
        let pages = EasemobDocument.files(in: root, folder: "chatgroups")
        for (index, file) in pages.enumerated() {
            let document = EasemobDocument(root: root, name: file, paths: [["data"], ["entities"]], stage: .groups)
            document.account(
                file, stage: .groups, incomplete: index == pages.count - 1 ? "groups" : nil, problems: &problems,
                book: &book)
            for element in document.elements {
                guard let id = (element.value["groupid"] ?? element.value["id"])?.string, !id.isEmpty else {
                    EasemobDocument.leaveOut(
                        element, of: file, stage: .groups, code: "missing-field",
                        "a listed group without groupid: left out", problems: &problems,
                        book: &book)
                    continue
                }
                if folders.contains(id) {
                    book.merged(file)
                } else {
                    EasemobDocument.leaveOut(
                        element, of: file, stage: .groups, code: "missing-group-folder",
                        "group \(id) is listed but chatgroups/\(id)/ was not saved: the group is not "
                            + "migrated (save its details.json and members.json, then plan again)", problems: &problems,
                        book: &book)
                }
            }
        }
        return problems
    }

    /// Strips an appkey prefix (`org#app_`) from an Easemob user id; nil when there is none.
    /// Org and app names are letters, digits and `-`, so the prefix ends at the first `_` after `#`.
    public static func strippingAppKey(_ id: String) -> String? {
        guard let hash = id.firstIndex(of: "#"), let underscore = id[hash...].firstIndex(of: "_") else { return nil }
        return String(id[id.index(after: underscore)...])
    }
}
