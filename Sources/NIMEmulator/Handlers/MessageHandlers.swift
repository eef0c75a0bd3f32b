internal import EmulatorKit
import Foundation
import GRDB

/// `msg/sendMsg.action` (reference §2.9): stores the message with a server msgid and a
/// strictly increasing timetag (ms).
enum MessageHandlers {
    /// Message types `sendMsg` accepts.
    static let types: Set<Int64> = [0, 1, 2, 3, 4, 6, 10, 100]
    /// The first server msgid issued.
    static let firstMsgid: Int64 = 1_000_000_001

    /// `msg/sendMsg.action`: ope 0 to an account, ope 1 to a team the sender belongs to.
    static func sendMsg(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        let from = try p.accid("from")
        let ope = try p.requiredInt("ope", in: [0, 1])
        let toText = try p.required("to", max: 32)
        let type = try p.requiredInt("type", in: types)
        let body = try p.required("body", max: 5000)
        guard case .object = JSONValue(json: body) else { throw NIMFailure.invalid("body") }
        let option = try p.optional("option", max: 1024)
        if let option, !option.isEmpty, JSONValue(json: option) == nil { throw NIMFailure.invalid("option") }
        let ext = try p.optional("ext", max: 1024)
        _ = try p.optional("pushcontent", max: 500)
        _ = try p.optional("payload", max: 2048)
        let receiver = try peer(toText, p2p: ope == 0, parameter: "to")
        let now = core.nowMs()
        let record = try await core.store.write { db -> MessageRecord in
            try checkParties(db, from: from, p2p: ope == 0, peer: receiver)
            let msgid = try Counters.next(db, Counters.msgid, start: firstMsgid)
            let timetag = max(now, try Counters.value(db, Counters.lastTimetag) + 1)
            try Counters.set(db, Counters.lastTimetag, timetag)
            let blocked = try SpecialRelationRecord.fetchOne(
                db, key: ["accid": receiver, "targetAcc": from, "relationType": 1])
            let blacklisted = ope == 0 && blocked != nil
            let record = MessageRecord(
                msgid: msgid, sender: from, ope: Int(ope), receiver: receiver, type: Int(type), body: body,
                ext: ext, option: option, msgidclient: "rest-\(msgid)", timetag: timetag, recalledAt: nil,
                blacklisted: blacklisted)
            try record.insert(db)
            return record
        }
        return [
            "code": 200, "data": ["msgid": .int(record.msgid), "timetag": .int(record.timetag), "antispam": false],
        ]
    }

    /// The other party of a message or conversation: an account (`p2p`), normalised, or a team
    /// id; `parameter` names the field at fault.
    static func peer(_ text: String, p2p: Bool, parameter: String) throws -> String {
        if p2p { return try V1Parameters.normalizedAccid(text, parameter: parameter) }
        guard let tid = Int64(text), tid > 0 else { throw NIMFailure.invalid(parameter) }
        return String(tid)
    }

    /// Both parties exist and may talk: `from` and the account `peer` (`p2p`), or `from` and the
    /// team `peer` with `from` in it.
    static func checkParties(_ db: Database, from: String, p2p: Bool, peer: String) throws {
        _ = try UserHandlers.existingUser(db, from)
        if p2p {
            _ = try UserHandlers.existingUser(db, peer)
        } else if let tid = Int64(peer) {
            _ = try TeamHandlers.existingTeam(db, tid)
            guard try TeamHandlers.membership(db, tid, from) != nil else { throw NIMFailure.notInTeam(from) }
        }
    }
}
