internal import Foundation
internal import MigrationCore

/// `message.recalled` from the old server → `msg/recall.action` (SPEC §7).
///
/// - A message this bridge received and has not sent yet is not sent at all.
/// - One it sent is recalled by the msgid and timetag NIM answered, `ignoreTime=1`.
/// - One created before the cut-off was imported with the history: recalled by its history line's
///   msgid and createTime (mapped exactly as the history stage maps it); NIM's refusal, if any, is
///   the event's failure, listed by `/failed`.
/// - One not received yet (the recall came first) waits for it, like any dependency.
///
/// The NIM msgid is recorded on the event before the call, so NIM's CC of the recall (eventType
/// 7/8) is known as this bridge's own and not echoed to the old server.
struct RecallApplier: Sendable {
    let store: ServeStore
    let state: StateDatabase
    let client: NIMClient
    let cutoff: Int64
    let now: @Sendable () -> Int64

    func apply(_ claim: ServeStore.EventClaim) async -> OldEventApplier.Outcome {
        guard let key = claim.event.target else { return .failed(.local("message.recalled without the message's ids")) }
        do {
            guard let entry = try await store.inboxEntry(key) else { return try await recallImported(claim, key) }
            switch entry.status {
            case .pending:
                if try await store.skipRecalled(key, now: now()) {
                    return .applied("recalled before it was sent: not sent")
                }
                return .retry(.local("the message is being sent", retryable: true))
            case .inFlight: return .retry(.local("the message is being sent", retryable: true))
            case .failed, .skipped:
                return .applied("not in NIM (\(entry.reason ?? "not sent")): nothing to recall")
            case .sent:
                guard let msgid = entry.nimMsgid, let timetag = entry.nimTimetag, let line = entry.line,
                    let message = Self.conversation(line)
                else { return .failed(.local("NIM's msgid or timetag of the sent message is not known")) }
                try await store.markRecall(event: claim.seq, msgid: msgid)
                _ = try await client.send(
                    .recallMessage(
                        msgid: msgid, timetag: timetag, team: message.team, from: message.from, to: message.to),
                    stage: .history)
                return .applied("recalled NIM message \(msgid)")
            }
        } catch let failure as CallFailure {
            return OldEventApplier.outcome(failure)
        } catch {
            return .retry(.local(error))
        }
    }

    /// A message serve never received: imported with the history (before the cut-off), or not
    /// received yet.
    private func recallImported(_ claim: ServeStore.EventClaim, _ key: String) async throws -> OldEventApplier.Outcome {
        guard case .object(let event)? = try? JSONValue.parse(Data(claim.event.body.utf8)),
            let recalled = OldEvent.recalledLine(event)
        else {
            return .waiting(.local("message \(key) not received on /old/messages yet (the recall names no createTime)"))
        }
        let line = Data(recalled.text.utf8)
        let outcome = try await state.withHistoryMapping { mapping in
            Mapped(HistoryNormalizer(mapping: mapping).normalize(line))
        }.outcome
        guard case .message(let message, _, _) = outcome else {
            if case .rejected(_, let reason) = outcome { return .waiting(.local("message \(key): \(reason)")) }
            return .failed(.local("message \(key) cannot be mapped"))
        }
        guard message.createTime < cutoff else {
            return .waiting(.local("message \(key) not received on /old/messages yet"))
        }
        let (team, from, to): (Bool, String, String) =
            switch message.conversation {
            case .p2p(let from, let to): (false, from, to)
            case .team(let accid, let tid): (true, accid, tid)
            }
        try await store.markRecall(event: claim.seq, msgid: message.msgid)
        _ = try await client.send(
            .recallMessage(msgid: message.msgid, timetag: message.createTime, team: team, from: from, to: to),
            stage: .history)
        return .applied("recalled imported message \(message.msgid)")
    }

    /// The NIM conversation of a mapped line.
    static func conversation(_ line: String) -> (team: Bool, from: String, to: String)? {
        guard let json = try? JSONValue.parse(Data(line.utf8)), let data = json["data"] else { return nil }
        if let tid = data["tid"].flatMap({ $0.string ?? $0.int.map(String.init) }), let accid = data["accid"]?.string {
            return (true, accid, tid)
        }
        guard let from = data["from"]?.string, let to = data["to"]?.string else { return nil }
        return (false, from, to)
    }
}
