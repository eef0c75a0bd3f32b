internal import Foundation

/// Easemob's own callback bodies for the changes `/old/events` takes, turned into canonical events
/// (SPEC §7): what ``EasemobVendor/incomingEvents(_:)`` answers serve. The shapes are Easemob's
/// published examples (`Tests/Corpora/easemob/callbacks/events`, sources in its `SOURCES.md`); two
/// formats exist and a tenant may send either:
///
/// - group operations, current format: `"event":"group_op_event"`, the group in `id`, the kind in
///   `operation` (and `payload.type` under `UPDATE`, `JOIN`, `LEAVE`, `ADMIN`, `MUTE`), users in
///   `payload.member` / `payload.admin`;
/// - the older format, the only one for friends, blocks and recalls: `chat_type` `roster`, `muc`
///   or `recall`, the kind in `payload.operation`, users in `from` (a login id such as
///   `app#key_user@easemob.com/android_x`) and `to`.
///
/// The event `id` is the callback's `callId` (Easemob retries with the same one), followed by the
/// operation and the affected user where one callback stands for several events. `time` is the
/// callback's `timestamp`. What carries no change for NIM (a friend *request*, a decline, a user
/// shielding a group, chat rooms) is acknowledged and dropped; what would need data Easemob does not
/// send (an old-format `create` without the group) is stored and listed as failed, saying so.
enum EasemobEvent {
    /// Whether a body is one of Easemob's callbacks rather than a canonical event.
    static func isEasemob(_ object: [String: JSONValue]) -> Bool {
        object["event"]?.string == "group_op_event" || (object["chat_type"] != nil && object["callId"] != nil)
    }

    typealias Object = [String: JSONValue]

    static func convert(_ object: Object) -> Result<[Object], IncomingRejection> {
        guard let callId = object["callId"]?.string, !callId.isEmpty else {
            return .failure(IncomingRejection(reason: "Easemob callback without callId"))
        }
        let time = object["timestamp"] ?? .null
        // An event of a type serve may not know (stored, then listed as failed with its note).
        func stamped(_ type: String, _ suffix: String, _ fields: Object) -> Object {
            var event = fields
            event["id"] = .string(callId + suffix)
            event["time"] = time
            event["type"] = .string(type)
            return event
        }
        func event(_ kind: OldEventKind, _ suffix: String = "", _ fields: Object) -> Object {
            stamped(kind.rawValue, suffix, fields)
        }
        if object["event"]?.string == "group_op_event" { return groupOperation(object, event) }
        let payload = object["payload"]
        let operation = payload?["operation"]?.string ?? ""
        let from = user(object["from"]?.string)
        let to = user(object["to"]?.string)
        switch object["chat_type"]?.string {
        case "roster":
            guard let from, let to else { return ignored("roster callback without from/to") }
            switch operation {
            // Both sides of one acceptance share the callId: the friendship is made once.
            case "accept", "remote_accept":
                return .success([event(.friendAdded, "", ["accid": .string(from), "faccid": .string(to)])])
            case "remove":
                return .success([event(.friendRemoved, "", ["accid": .string(from), "faccid": .string(to)])])
            case "ban", "allow":
                return .success([
                    event(
                        operation == "ban" ? .blockAdded : .blockRemoved, "",
                        ["accid": .string(from), "targetAcc": .string(to), "relationType": .int(1)])
                ])
            default: return ignored("Easemob roster '\(operation)' makes no change in NIM")
            }
        case "recall":
            guard let recalled = object["recall_id"]?.string ?? payload?["ack_message_id"]?.string, let from else {
                return .failure(IncomingRejection(reason: "Easemob recall without recall_id or from"))
            }
            var fields: Object = ["msgid": .string(recalled), "from": .string(from)]
            if let gid = object["group_id"]?.string {
                fields["gid"] = .string(gid)
            } else if let to {
                fields["to"] = .string(to)
            }
            return .success([event(.messageRecalled, "", fields)])
        case "muc":
            if payload?["is_chatroom"]?.bool == true { return ignored("chat rooms are not migrated") }
            guard let gid = object["group_id"]?.string, !gid.isEmpty else {
                return ignored("muc callback without group_id")
            }
            let target: Object = ["gid": .string(gid)]
            func members(_ accid: String?) -> Object {
                target.merging(["accids": .array(accid.map { [.string($0)] } ?? [])]) { $1 }
            }
            switch operation {
            case "destroy": return .success([event(.groupDismissed, "", target)])
            case "presence", "invite_accept", "apply_accept":
                return .success([event(.groupMembersAdded, "", members(operation == "presence" ? from : to))])
            case "absence", "leave", "kick", "ban":
                return .success([event(.groupMembersRemoved, "", members(operation == "absence" ? from : to))])
            case "add_admin", "remove_admin":
                return .success([
                    event(operation == "add_admin" ? .groupManagersAdded : .groupManagersRemoved, "", members(to))
                ])
            case "add_mute", "remove_mute":
                return .success([
                    event(
                        .groupMemberMuted, "",
                        target.merging([
                            "accid": to.map(JSONValue.string) ?? .null, "mute": .bool(operation == "add_mute"),
                        ]) { $1 })
                ])
            case "ban_group", "remove_ban_group":
                return .success([
                    event(
                        .groupUpdated, "",
                        ["group": .object(["gid": .string(gid), "muteAll": .bool(operation == "ban_group")])])
                ])
            case "create", "update", "assing_owner":
                // The old format carries no group data, no new owner: stored and listed as failed.
                return .success([
                    stamped(
                        "easemob.muc.\(operation)", "",
                        target.merging([
                            "note": .string(
                                "Easemob's old-format '\(operation)' callback carries no group data: post a canonical event or enable group_op_event callbacks"
                            )
                        ]) { $1 })
                ])
            default: return ignored("Easemob muc '\(operation)' makes no change in NIM")
            }
        default:
            return ignored("Easemob \(object["chat_type"]?.string ?? "?") callbacks are messages, not events")
        }
    }

    /// The current group format.
    private static func groupOperation(_ object: Object, _ event: (OldEventKind, String, Object) -> Object) -> Result<
        [Object], IncomingRejection
    > {
        guard object["type"]?.string != "CHATROOM" else { return ignored("chat rooms are not migrated") }
        guard let gid = object["id"]?.string ?? object["id"]?.int.map(String.init) else {
            return .failure(IncomingRejection(reason: "Easemob group_op_event without id"))
        }
        let payload = object["payload"]
        let kind = payload?["type"]?.string ?? ""
        let target: Object = ["gid": .string(gid)]
        let members = (payload?["member"]?.array ?? []).compactMap { user($0.string) }
        let admins = (payload?["admin"]?.array ?? []).compactMap { user($0.string) }
        func list(_ accids: [String]) -> Object {
            target.merging(["accids": .array(accids.map(JSONValue.string))]) { $1 }
        }
        switch (object["operation"]?.string ?? "", kind) {
        case ("CREATE", _):
            var group = info(payload?["info"], gid: gid)
            var roles: Object = [:]
            if case .object(let object)? = payload?["role"] { roles = object }
            let owner = roles.first { $0.value.string == "owner" }?.key ?? user(payload?["info"]?["owner"]?.string)
            if let owner { group["owner"] = .string(owner) }
            group["members"] = .array(members.map(JSONValue.string))
            group["admins"] = .array(roles.filter { $0.value.string == "admin" }.keys.sorted().map(JSONValue.string))
            return .success([event(.groupCreated, "", ["group": .object(group)])])
        case ("UPDATE", "INFO"):
            return .success([event(.groupUpdated, "", ["group": .object(info(payload?["info"], gid: gid))])])
        case ("UPDATE", "MUTE"):
            let mute = flag(payload?["mute"])
            return .success([
                event(.groupUpdated, "", ["group": .object(["gid": .string(gid), "muteAll": .bool(mute)])])
            ])
        case ("UPDATE", "OWNER"):
            guard let owner = user(payload?["new_owner"]?.string) else {
                return ignored("owner change without new_owner")
            }
            return .success([event(.groupOwnerChanged, "", target.merging(["owner": .string(owner)]) { $1 })])
        case ("DELETE", _): return .success([event(.groupDismissed, "", target)])
        case ("JOIN", _): return .success([event(.groupMembersAdded, "", list(members))])
        case ("LEAVE", "DELETE"): return ignored("members leave a dismissed group: the dismissal covers it")
        case ("LEAVE", _): return .success([event(.groupMembersRemoved, "", list(members))])
        case ("ADMIN", "ADD"): return .success([event(.groupManagersAdded, "", list(admins))])
        case ("ADMIN", "REMOVE"): return .success([event(.groupManagersRemoved, "", list(admins))])
        case ("MUTE", "ADD"), ("MUTE", "REMOVE"):
            return .success(
                members.map {
                    event(
                        .groupMemberMuted, "#\($0)",
                        target.merging(["accid": .string($0), "mute": .bool(kind == "ADD")]) { $1 })
                })
        default:
            return ignored(
                "Easemob group operation \(object["operation"]?.string ?? "?")/\(kind) makes no change in NIM")
        }
    }

    /// Easemob's group `info` as a partial `groups.jsonl` object (absent keys stay unchanged),
    /// mapped as the export's group details are (the callback carries no `membersonly`, so a
    /// public group's approval setting is left as it is).
    private static func info(_ info: JSONValue?, gid: String) -> Object {
        var object: Object = [:]
        if case .object(let fields)? = info { object = fields }
        var group = EasemobGroupInfo(info: object).fields(complete: false)
        group["gid"] = .string(gid)
        return group
    }

    /// A boolean Easemob may write as `true` or `"true"`.
    private static func flag(_ value: JSONValue?) -> Bool {
        value?.bool ?? (value?.string == "true")
    }

    /// A user id from an Easemob login id: `org#app_user@easemob.com/android_x` → `user` (the appkey
    /// prefix as the Easemob adapter strips it, ``EasemobGroups/strippingAppKey(_:)``).
    static func user(_ raw: String?) -> String? {
        guard var text = raw, !text.isEmpty else { return nil }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        if text.hasSuffix("@easemob.com") { text = String(text.dropLast("@easemob.com".count)) }
        text = EasemobGroups.strippingAppKey(text) ?? text
        return text.isEmpty ? nil : text
    }

    private static func ignored(_ reason: String) -> Result<[Object], IncomingRejection> {
        .failure(IncomingRejection(reason: reason, ignorable: true))
    }
}
