internal import Foundation
internal import MigrationCore

/// One change the old server posted to `/old/events` (SPEC §7), in the canonical shape:
/// `{"id":"e1","time":1700000000000,"type":"friend.added","accid":"a","faccid":"b",…}`. A vendor's
/// own callback shapes (Easemob's) are turned into this one first (``SourceVendor/incomingEvents(_:)``).
///
/// Each event has a ``Scope`` — the thing whose changes must reach NIM in `time` order: the
/// account for `user.*`, the pair for `friend.*` and `block.*`, the group for `group.*`, and the
/// message's conversation (as the inbox names it) for `message.recalled`, whose `target` is the
/// recalled message's source key. Users are ``OldUserID``s: one scope however they are spelled.
struct OldEvent: Sendable, Equatable {
    var id: String
    var time: Int64
    /// The `type` as posted (stored as it is: an unknown one is listed as failed with it).
    var type: String
    var scope: Scope
    /// `message.recalled`: the source key of the message (as ``SourceMessage/key``).
    var target: String?
    /// The canonical object, compact.
    var body: String

    /// The kind, when `type` is one serve knows.
    var kind: OldEventKind? { OldEventKind(rawValue: type) }

    /// Why an element was refused outright (no `id` to keep it once by, not an object). Anything
    /// else — an unknown type, a missing field — is stored and listed as failed, not refused.
    struct Rejection: Error, Sendable, Equatable {
        var reason: String
        /// Not a change NIM needs (an Easemob friend request, a chat room's event): acknowledged
        /// and dropped, so the old server does not retry it.
        var ignorable = false
    }

    /// Reads one element (an Easemob callback may stand for several events); `problem` is set
    /// when an event is stored only to be listed as failed.
    static func read(_ value: JSONValue) -> Result<[(OldEvent, problem: String?)], Rejection> {
        guard case .object(let object) = value else { return .failure(Rejection(reason: "not a JSON object")) }
        guard let vendorEvents = SourceFormats.vendors.lazy.compactMap({ $0.incomingEvents(object) }).first else {
            return canonical(object).map { [$0] }
        }
        switch vendorEvents {
        case .success(let converted):
            var events: [(OldEvent, problem: String?)] = []
            for object in converted {
                switch canonical(object) {
                case .success(let event): events.append(event)
                case .failure(let rejection): return .failure(rejection)
                }
            }
            return .success(events)
        case .failure(let rejection):
            return .failure(Rejection(reason: rejection.reason, ignorable: rejection.ignorable))
        }
    }

    /// Reads one canonical event object.
    static func canonical(_ object: [String: JSONValue]) -> Result<(OldEvent, problem: String?), Rejection> {
        guard let id = object["id"]?.string, !id.isEmpty else {
            return .failure(Rejection(reason: "event without an id (the old server's event id keeps it once)"))
        }
        var time = object["time"]?.int ?? 0
        if time > 0 && time < 100_000_000_000 { time *= 1000 }
        let type = object["type"]?.string ?? ""
        var event = OldEvent(
            id: id, time: time, type: type, scope: .alone(event: id), target: nil, body: JSONValue.object(object).text)
        guard let kind = event.kind else {
            return .success((event, object["note"]?.string ?? "unknown event type '\(type)'"))
        }
        func user(_ key: String) -> OldUserID? { object[key]?.string.map(OldUserID.init) }
        func pair(_ other: String) -> (OldEvent, problem: String?)? {
            guard let a = user("accid"), let b = user(other) else { return (event, "\(type) needs accid and \(other)") }
            event.scope = .pair(a, b)
            return nil
        }
        switch kind.family {
        case .user:
            guard let accid = object["user"]?["accid"]?.string else {
                return .success((event, "\(type) without user.accid"))
            }
            event.scope = .user(OldUserID(accid))
        case .friendship:
            if let refused = pair("faccid") { return .success(refused) }
        case .block:
            if let refused = pair("targetAcc") { return .success(refused) }
        case .recall:
            switch recalledMessage(object) {
            case .success(let message):
                event.scope = message.conversation
                event.target = message.key
            case .failure(let rejection): return .success((event, rejection.reason))
            }
        case .groupCreated, .team:
            guard let gid = object["gid"]?.string ?? object["group"]?["gid"]?.string, !gid.isEmpty else {
                return .success((event, "\(type) without gid"))
            }
            event.scope = .group(gid)
        }
        if time <= 0 { return .success((event, "\(type) without a time (ms)")) }
        return .success((event, nil))
    }

    /// The recalled message's key and conversation: its old ids read as the history stage reads a
    /// line (so a key matches the one `/old/messages` stored for the same message).
    ///
    /// A recall that names no `createTime` (Easemob's recall callback has none) targets every message
    /// of that msgid, sender and conversation: its key is the prefix `msgid|from|to|` (the stores match
    /// a target ending in `|` as a prefix), read with a stand-in time that is then cut off.
    static func recalledMessage(_ object: [String: JSONValue]) -> Result<SourceMessage, Rejection> {
        var fields = object
        let timeless = fields["createTime"] == nil
        if timeless { fields["createTime"] = .int(1_000_000_000_000) }
        guard let line = recalledLine(fields) else {
            return .failure(Rejection(reason: "message.recalled needs msgid, from, and to or gid"))
        }
        switch SourceMessage.read(line) {
        case .success(var message):
            if timeless, let last = message.key.lastIndex(of: "|") { message.key = String(message.key[...last]) }
            return .success(message)
        case .failure(let rejection): return .failure(Rejection(reason: "message.recalled: \(rejection.reason)"))
        }
    }

    /// A `message.recalled` event's ids as a canonical line (empty body), for the history stage's
    /// rules to read: its key here, its NIM ids when it was imported with the history.
    static func recalledLine(_ object: [String: JSONValue]) -> JSONValue? {
        guard let msgid = object["msgid"], let from = object["from"], let createTime = object["createTime"] else {
            return nil
        }
        var data: [String: JSONValue] = ["msgid": msgid, "createTime": createTime, "body": .string("")]
        if let gid = object["gid"] {
            (data["accid"], data["tid"]) = (from, gid)
        } else if let to = object["to"] {
            (data["from"], data["to"]) = (from, to)
        } else {
            return nil
        }
        return .object(["data": .object(data), "type": .int(0)])
    }
}
