internal import Foundation

/// One group of `groups.jsonl`, resolved to NIM accids and cut into the calls that build it.
struct GroupPlan: Codable, Equatable {
    var gid: String
    var tname: String
    var owner: String
    /// Members other than the owner, in source order (admins included).
    var members: [String]
    var admins: [String]
    var muted: [String]
    var muteAll: Bool
    var settings: NIMRequest.TeamSettings
    /// `custom` as sent to NIM: the source's, carrying the reconcile marker when it is a JSON object.
    var custom: String?
    /// The source icon, re-hosted by the groups stage and set at creation.
    var icon: String?
    /// Whether `custom` carries the marker (otherwise reconcile matches the name and custom text).
    var marked: Bool

    static let createLimit = 199
    static let addBatch = 200
    static let managerBatch = 10

    /// The key the marker puts into `custom`.
    static let markerKey = "nim_migrate_gid"

    /// Invitees of `team/create.action`.
    var createMembers: [String] { Array(members.prefix(Self.createLimit)) }

    /// The `team/add.action` batches after creation.
    var addBatches: [[String]] { Self.chunks(Array(members.dropFirst(Self.createLimit)), Self.addBatch) }

    /// The `team/addManager.action` batches.
    var managerBatches: [[String]] { Self.chunks(admins, Self.managerBatch) }

    /// The muted members as the mute calls take them: one per `team/muteTlist.action`, or up to
    /// ten per v2 batch mute.
    func muteBatches(v2: Bool) -> [[String]] {
        let size = v2 ? NIMRequest.muteBatch : 1
        return stride(from: 0, to: muted.count, by: size).map { Array(muted[$0..<min($0 + size, muted.count)]) }
    }

    /// The endpoint that mutes members.
    static func muteEndpoint(v2: Bool) -> String {
        v2 ? "PATCH /im/v2/team_members/actions/batch_mute" : "team/muteTlist.action"
    }

    /// REST calls that build the team, per endpoint.
    func calls(v2: Bool) -> [String: Int] {
        var calls = ["team/create.action": 1]
        if !addBatches.isEmpty { calls["team/add.action"] = addBatches.count }
        if !managerBatches.isEmpty { calls["team/addManager.action"] = managerBatches.count }
        if !muted.isEmpty { calls[Self.muteEndpoint(v2: v2)] = muteBatches(v2: v2).count }
        if muteAll { calls["team/muteTlistAll.action"] = 1 }
        return calls
    }

    static func chunks(_ items: [String], _ size: Int) -> [[String]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    /// The source `custom` with the marker added: a JSON object gains one key; no custom becomes
    /// an object holding only the marker; other text is left alone (and `marked` is false).
    static func markedCustom(_ custom: String?, gid: String) -> (String?, Bool) {
        guard let custom, !custom.isEmpty else { return (JSONValue.object([markerKey: .string(gid)]).text, true) }
        guard let json = try? JSONValue.parse(Data(custom.utf8)), case .object(var object) = json else {
            return (custom, false)
        }
        object[markerKey] = .string(gid)
        return (JSONValue.object(object).text, true)
    }

    /// Whether a team read back from NIM is this group's (reconcile after a crash).
    func matches(_ team: JSONValue) -> Bool {
        let custom = team["custom"]?.string ?? ""
        if marked {
            guard let json = try? JSONValue.parse(Data(custom.utf8)) else { return false }
            return json[Self.markerKey]?.string == gid
        }
        return team["tname"]?.string == tname && custom == (self.custom ?? "")
    }
}
