internal import EmulatorKit
import GRDB

extension EmulatorStore {
    /// What happened to one API call, for the statistics of the dump.
    struct CallRecord: Sendable {
        /// `user/create.action`, or `POST /im/v2.1/conversations` for v2.
        var endpoint: String
        /// Answered 416.
        var throttled: Bool
        /// Answered HTTP 500/503 by fault injection.
        var faulted: Bool
        /// Connection dropped by fault injection.
        var dropped: Bool
        /// Body sent with a stall.
        var stalled: Bool
        /// Largest arrivals-per-second seen so far.
        var maxPerSecond: Int
    }

    /// Adds one call to the statistics.
    func record(_ call: CallRecord) async throws {
        try await write { db in
            try db.execute(
                sql:
                    "INSERT INTO calls (endpoint, count) VALUES (?, 1) ON CONFLICT(endpoint) DO UPDATE SET count = count + 1",
                arguments: [call.endpoint])
            try Counters.add(db, Counters.totalCalls, 1)
            if call.throttled { try Counters.add(db, Counters.throttled, 1) }
            if call.faulted { try Counters.add(db, Counters.faults, 1) }
            if call.dropped { try Counters.add(db, Counters.drops, 1) }
            if call.stalled { try Counters.add(db, Counters.stalls, 1) }
            let known = try Counters.value(db, Counters.maxCallsPerSecond)
            if Int64(call.maxPerSecond) > known {
                try Counters.set(db, Counters.maxCallsPerSecond, Int64(call.maxPerSecond))
            }
        }
    }

    /// The whole state as the JSON of `GET /_emulator/dump`, every array in a fixed order.
    func dump() async throws -> JSONValue {
        try await read { db in
            var result: [String: JSONValue] = [:]
            result["users"] = .array(try UserRecord.order(Column("accid")).fetchAll(db).map(Self.dumpUser))
            result["friends"] = .array(
                try FriendRecord.order(Column("accid"), Column("faccid")).fetchAll(db).map { friend in
                    [
                        "accid": .string(friend.accid), "faccid": .string(friend.faccid),
                        "alias": .optional(friend.alias), "ex": .optional(friend.ex),
                    ]
                })
            result["specialRelations"] = .array(
                try SpecialRelationRecord.order(Column("accid"), Column("targetAcc"), Column("relationType"))
                    .fetchAll(db).map { relation in
                        [
                            "accid": .string(relation.accid), "targetAcc": .string(relation.targetAcc),
                            "relationType": .number(relation.relationType),
                        ]
                    })
            result["teams"] = .array(
                try TeamRecord.order(Column("tid")).fetchAll(db).map { team in
                    Self.dumpTeam(team, members: try TeamHandlers.memberships(db, team.tid))
                })
            result["files"] = .array(
                try Row.fetchAll(db, sql: "SELECT url, size, md5 FROM files ORDER BY rowid").map { row in
                    ["url": .string(row["url"]), "size": .int(row["size"]), "md5": .string(row["md5"])]
                })
            result["messages"] = .array(try MessageRecord.order(Column("msgid")).fetchAll(db).map(Self.dumpMessage))
            result["conversations"] = .array(
                try String.fetchAll(db, sql: "SELECT conversationId FROM conversations ORDER BY conversationId")
                    .map { ["conversation_id": .string($0)] })
            var calls: [String: JSONValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT endpoint, count FROM calls") {
                calls[row["endpoint"]] = .int(row["count"])
            }
            result["calls"] = .object(calls)
            for (key, counter) in [
                ("totalCalls", Counters.totalCalls), ("throttled", Counters.throttled), ("faults", Counters.faults),
                ("drops", Counters.drops), ("stalls", Counters.stalls),
                ("maxCallsPerSecond", Counters.maxCallsPerSecond),
            ] {
                result[key] = .int(try Counters.value(db, counter))
            }
            return .object(result)
        }
    }

    private static func dumpUser(_ user: UserRecord) -> JSONValue {
        [
            "accid": .string(user.accid), "token": .string(user.token), "name": .optional(user.name),
            "icon": .optional(user.icon), "sign": .optional(user.sign), "email": .optional(user.email),
            "birth": .optional(user.birth), "mobile": .optional(user.mobile), "gender": .number(user.gender),
            "ex": .optional(user.ex),
        ]
    }

    private static func dumpTeam(_ team: TeamRecord, members: [TeamMemberRecord]) -> JSONValue {
        [
            "tid": .int(team.tid), "tname": .string(team.tname), "owner": .string(team.owner),
            "members": .strings(members.filter { $0.role != .owner }.map(\.accid)),
            "admins": .strings(members.filter { $0.role == .manager }.map(\.accid)),
            "muted": .strings(members.filter(\.muted).map(\.accid)),
            "muteType": .number(team.muteType), "intro": .optional(team.intro),
            "announcement": .optional(team.announcement), "icon": .optional(team.icon),
            "custom": .optional(team.custom), "joinmode": .number(team.joinmode),
            "beinvitemode": .number(team.beinvitemode), "invitemode": .number(team.invitemode),
            "uptinfomode": .number(team.uptinfomode), "upcustommode": .number(team.upcustommode),
            "teamMemberLimit": .number(team.teamMemberLimit),
        ]
    }

    private static func dumpMessage(_ message: MessageRecord) -> JSONValue {
        [
            "msgid": .int(message.msgid), "from": .string(message.sender), "ope": .number(message.ope),
            "to": .string(message.receiver), "type": .number(message.type), "body": .string(message.body),
            "ext": .optional(message.ext), "timetag": .int(message.timetag),
            "recalled": .bool(message.recalledAt != nil), "blacklisted": .bool(message.blacklisted),
        ]
    }
}
