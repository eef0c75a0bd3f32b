internal import EmulatorKit
import GRDB

/// The v2 conversation API (reference §4.3–4.4): `POST /im/v2.1/conversations` creates
/// `owner|1|peer` or `owner|2|tid`; `GET /im/v2.1/conversations` lists an owner's, newest
/// first, paged by an opaque `page_token` (`data.has_more`, `data.next_token`, `data.items`).
enum ConversationHandlers {
    /// A v2 call: JSON body (for POST) and query parameters.
    typealias Request = V2Request

    /// `POST /im/v2.1/conversations`: creating an existing conversation changes nothing.
    static func create(_ request: Request, _ core: EmulatorCore) async throws -> JSONValue {
        guard let raw = request.body?["conversation_id"]?.stringValue, !raw.isEmpty else {
            throw NIMFailure.missing("conversation_id")
        }
        let pieces = raw.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count == 3, let type = Int(pieces[1]), type == 1 || type == 2 else {
            throw NIMFailure.invalid("conversation_id")
        }
        let owner = try V1Parameters.normalizedAccid(pieces[0], parameter: "conversation_id")
        let target = try MessageHandlers.peer(pieces[2], p2p: type == 1, parameter: "conversation_id")
        let id = "\(owner)|\(type)|\(target)"
        let now = core.nowMs()
        let record = try await core.store.write { db -> ConversationRecord in
            try MessageHandlers.checkParties(db, from: owner, p2p: type == 1, peer: target)
            if let existing = try ConversationRecord.fetchOne(db, key: id) { return existing }
            let record = ConversationRecord(
                conversationId: id, owner: owner, type: type, target: target, createTime: now, updateTime: now)
            try record.insert(db)
            return record
        }
        return object(record)
    }

    /// `GET /im/v2.1/conversations?account_id=&limit=&page_token=`.
    static func list(_ request: Request, _ core: EmulatorCore) async throws -> JSONValue {
        guard let rawOwner = request.query["account_id"], !rawOwner.isEmpty else {
            throw NIMFailure.missing("account_id")
        }
        let owner = try V1Parameters.normalizedAccid(rawOwner, parameter: "account_id")
        var limit = 100
        if let text = request.query["limit"], !text.isEmpty {
            guard let value = Int(text), (1...100).contains(value) else { throw NIMFailure.invalid("limit") }
            limit = value
        }
        var offset = 0
        if let token = request.query["page_token"], !token.isEmpty {
            guard let value = Int(token), value >= 0 else { throw NIMFailure.invalid("page_token") }
            offset = value
        }
        let (pageSize, start) = (limit, offset)
        let page = try await core.store.read { db -> [ConversationRecord] in
            _ = try UserHandlers.existingUser(db, owner)
            return try ConversationRecord.filter(Column("owner") == owner)
                .order(Column("updateTime").desc, Column("conversationId").asc)
                .limit(pageSize + 1, offset: start)
                .fetchAll(db)
        }
        let hasMore = page.count > limit
        return [
            "has_more": .bool(hasMore),
            "next_token": hasMore ? .string(String(offset + limit)) : "",
            "items": .array(page.prefix(limit).map(object)),
        ]
    }

    /// The v2 conversation object.
    static func object(_ record: ConversationRecord) -> JSONValue {
        [
            "conversation_id": .string(record.conversationId), "type": .number(record.type),
            "sender_id": .string(record.owner), "receiver_id": .string(record.target),
            "stick_top": false, "group_ids": [], "server_extension": "", "unread_count": 0,
            "sort_order": .int(record.updateTime), "create_time": .int(record.createTime),
            "update_time": .int(record.updateTime),
        ]
    }
}
