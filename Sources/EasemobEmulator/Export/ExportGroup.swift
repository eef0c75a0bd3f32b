internal import EmulatorKit

/// A group of the export: its list entry, details, members, admins and mutes as saved.
struct ExportGroup: Sendable {
    /// The group ID.
    let id: String
    /// Its entry in a saved `GET /chatgroups` page, if any.
    var listEntry: JSONValue?
    /// The `data` entry of `details.json`, if the group has a folder with details.
    var details: JSONValue?
    /// The `data` entries of `members.json` (`{"owner":u}`, `{"member":u}`, `{"admin":u}`, …).
    var members: [JSONValue]?
    /// The `data` of `admins.json`.
    var admins: [String]?
    /// The `data` entries of `mutes.json` (`{"user","expire"}`).
    var mutes: [JSONValue]?

    /// The member entries served by `GET /chatgroups/{id}/users`: `members.json`, else the
    /// details' `affiliations`, else the owner alone.
    var memberEntries: [JSONValue] {
        if let members { return members }
        if let affiliations = details?["affiliations"]?.arrayValue { return affiliations }
        if let owner = details?["owner"]?.stringValue { return [["owner": .string(owner)]] }
        return []
    }

    /// The admins served by `GET /chatgroups/{id}/admin`: `admins.json`, else the `admin`
    /// entries of the members.
    var adminList: [String] {
        if let admins { return admins }
        return memberEntries.compactMap { $0["admin"]?.stringValue }
    }

    /// The group's entry in `GET /chatgroups`: the saved one, else one built from the details
    /// in the newer documented shape (owner prefixed with the app key, `lastModified` a string).
    func listItem(appKeyPrefix: String) -> JSONValue {
        if let listEntry { return listEntry }
        var item: [String: JSONValue] = ["groupid": .string(id), "type": "group"]
        if let owner = details?["owner"]?.stringValue {
            item["owner"] = .string(owner.contains("#") ? owner : appKeyPrefix + owner)
        }
        item["groupname"] = details?["name"] ?? .string("")
        let count = details?["affiliations_count"]?.intValue ?? Int64(memberEntries.count)
        item["affiliations"] = .int(count)
        if let created = details?["created"]?.intValue {
            item["lastModified"] = .string(String(created))
        }
        return .object(item)
    }
}
