internal import EmulatorKit
import Foundation
import GRDB

/// `msg/recall.action`: recalls a message sent with `sendMsg`.
///
/// Parameters as NetEase's server SDKs send them (`yunxin-server-sdk-golang`
/// `RecallMessageRequestV1`; the 2021 doc table copied in `lhlyu/yunxin-go` `im/api_msg_recall.go`):
/// `deleteMsgid` (the server msgid), `timetag` (the message's creation time, ms), `type` (7 a p2p
/// message, 8 a team message, anything else a parameter error), `from` (the sender), `to` (the
/// receiver's accid or the tid), optional `msg`, `ignoreTime` ("1" skips the recall window — other
/// values are a parameter error — and still reaches back at most 30 days), `pushcontent`, `payload`,
/// `env`, `attach`.
///
/// The emulator's rules: the five identifying fields must name one stored message (404 otherwise);
/// without `ignoreTime` a message older than the window is refused with 508 ("recall time window
/// exceeded", reference §1 codes; the window is `EmulatorConfiguration.recallWindowMs`, NIM's
/// default 2 minutes); with it, older than 30 days is refused the same way. A message
/// already recalled answers 200 again (the docs say nothing; a bridge that repeats an unanswered
/// recall must not fail on it).
enum RecallHandlers {
    static let ignoreTimeLimit: Int64 = 30 * 86_400_000

    static func recall(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        guard let msgid = Int64(try p.required("deleteMsgid", max: 32)), msgid > 0 else {
            throw NIMFailure.invalid("deleteMsgid")
        }
        let timetag = try p.requiredInt("timetag")
        let type = try p.requiredInt("type", in: [7, 8])
        let from = try p.accid("from")
        let toText = try p.required("to", max: 32)
        _ = try p.optional("msg", max: 5000)
        let ignoreTime = try p.optional("ignoreTime", max: 8)
        if let ignoreTime, !ignoreTime.isEmpty, ignoreTime != "1" { throw NIMFailure.invalid("ignoreTime") }
        _ = try p.optional("pushcontent", max: 500)
        _ = try p.optional("payload", max: 2048)
        _ = try p.optional("attach", max: 5000)
        let ope = type == 7 ? 0 : 1
        let receiver =
            ope == 0 ? try V1Parameters.normalizedAccid(toText, parameter: "to") : String(Int64(toText) ?? -1)
        let now = core.nowMs()
        let window = core.configuration.recallWindowMs
        try await core.store.write { db in
            guard var message = try MessageRecord.fetchOne(db, key: msgid), message.sender == from,
                message.ope == ope, message.receiver == receiver, message.timetag == timetag
            else { throw NIMFailure(code: 404, desc: "msg \(msgid) not exist") }
            if message.recalledAt != nil { return }
            let limit = ignoreTime == "1" ? ignoreTimeLimit : window
            guard now - message.timetag <= limit else {
                throw NIMFailure(code: 508, desc: "recall time window exceeded")
            }
            message.recalledAt = now
            try message.update(db)
        }
        return ["code": 200]
    }
}
