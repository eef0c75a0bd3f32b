internal import EmulatorKit
import GRDB

/// `history/querySessionMsg.action` and `history/queryTeamMsg.action` (reference §2.11),
/// answered from the messages stored by `msg/sendMsg.action`. The time window is inclusive
/// at both ends; pages are made by moving it and passing `excludeMsgid`.
enum HistoryHandlers {
    /// The window, page size, order and filters common to both queries.
    struct Window: Sendable {
        var begin: Int64
        var end: Int64
        var limit: Int
        var ascending: Bool
        var types: Set<Int>?
        var excludeMsgid: Int64?

        init(_ p: V1Parameters) throws {
            begin = try p.requiredInt("begintime")
            end = try p.requiredInt("endtime")
            guard begin < end else { throw NIMFailure(code: 414, desc: "bad time") }
            let limit = try p.requiredInt("limit")
            guard (1...100).contains(limit) else { throw NIMFailure.invalid("limit") }
            self.limit = Int(limit)
            ascending = try p.optionalInt("reverse", in: [1, 2]) == 1
            if let list = p["type"], !list.isEmpty {
                types = Set(
                    try list.split(separator: ",").map { piece -> Int in
                        guard let value = Int(piece.trimmingCharacters(in: .whitespaces)) else {
                            throw NIMFailure.invalid("type")
                        }
                        return value
                    })
            }
            excludeMsgid = try p.optionalInt("excludeMsgid")
        }

        /// Applies the window to a request on `messages`.
        func apply(_ request: QueryInterfaceRequest<MessageRecord>) -> QueryInterfaceRequest<MessageRecord> {
            var request = request.filter(
                Column("timetag") >= begin && Column("timetag") <= end && Column("recalledAt") == nil)
            if let types { request = request.filter(types.contains(Column("type"))) }
            if let excludeMsgid { request = request.filter(Column("msgid") != excludeMsgid) }
            let order =
                ascending
                ? [Column("timetag").asc, Column("msgid").asc] : [Column("timetag").desc, Column("msgid").desc]
            return request.order(order).limit(limit)
        }
    }

    /// `history/querySessionMsg.action`: p2p messages between `from` and `to`, both directions.
    static func querySessionMsg(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let from = try p.accid("from")
        let to = try p.accid("to")
        let window = try Window(p)
        let messages = try await core.store.read { db -> [MessageRecord] in
            _ = try UserHandlers.existingUser(db, from)
            _ = try UserHandlers.existingUser(db, to)
            let between =
                (Column("sender") == from && Column("receiver") == to)
                || (Column("sender") == to && Column("receiver") == from)
            return try window.apply(MessageRecord.filter(Column("ope") == 0 && between)).fetchAll(db)
        }
        return answer(messages)
    }

    /// `history/queryTeamMsg.action`: messages of team `tid`, read as member `accid`.
    static func queryTeamMsg(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let tid = try p.tid()
        let accid = try p.accid("accid")
        let checkValid = try p.optionalBool("checkTeamValid") ?? true
        let window = try Window(p)
        let messages = try await core.store.read { db -> [MessageRecord] in
            _ = try TeamHandlers.existingTeam(db, tid)
            if checkValid, try TeamHandlers.membership(db, tid, accid) == nil { throw NIMFailure.notInTeam(accid) }
            let request = MessageRecord.filter(Column("ope") == 1 && Column("receiver") == String(tid))
            return try window.apply(request).fetchAll(db)
        }
        return answer(messages)
    }

    private static func answer(_ messages: [MessageRecord]) -> JSONValue {
        let msgs: [JSONValue] = messages.map { message in
            var entry: [String: JSONValue] = [
                "from": .string(message.sender), "to": .string(message.receiver), "msgid": .int(message.msgid),
                "msgidclient": .string(message.msgidclient), "sendtime": .int(message.timetag),
                "type": .number(message.type), "fromclienttype": 32,
                "body": JSONValue(json: message.body) ?? .string(message.body),
            ]
            if let ext = message.ext { entry["ext"] = .string(ext) }
            return .object(entry)
        }
        return ["code": 200, "size": .number(msgs.count), "msgs": .array(msgs)]
    }
}
