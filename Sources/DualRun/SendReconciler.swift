internal import Foundation
internal import MigrationCore

/// Decides whether a message whose earlier sendMsg may have reached NIM unanswered (the process
/// was killed with the call in flight, or the call timed out after sending) is already in NIM.
///
/// sendMsg has no idempotency key, so the bridge reads NIM's history of the conversation
/// (`history/querySessionMsg.action` or `queryTeamMsg.action`) from shortly before the first
/// uncertain claim until now, and takes the first entry that ``OutgoingMessage/matches(_:)`` and
/// that is not already recorded as another message of this bridge. Found: the message counts as
/// sent with that msgid. Not found: it is sent again. The lookup failing — NIM's or serve's own
/// record of what it sent — try again later (never "not found" on a read that failed).
struct SendReconciler: Sendable {
    let client: NIMClient
    let store: ServeStore
    let now: @Sendable () -> Int64
    /// Tolerated clock difference between this machine and NIM.
    var skew: Int64 = 5_000
    var maxPages = 50

    enum Finding: Sendable, Equatable {
        case found(Int64)
        case notFound
        /// The lookup could not answer: why.
        case unknown(CallFailure)
    }

    func find(_ message: OutgoingMessage, since: Int64) async -> Finding {
        var begin = since - skew
        let end = now() + skew
        for _ in 0..<maxPages {
            let request: NIMRequest =
                message.ope == 0
                ? .querySessionMessages(from: message.from, to: message.to, begin: begin, end: end)
                : .queryTeamMessages(tid: message.to, accid: message.from, begin: begin, end: end)
            let response: NIMResponse
            do {
                response = try await client.send(request, stage: .history)
            } catch {
                return .unknown(.local("history lookup", error))
            }
            let entries = response["msgs"]?.array ?? []
            for entry in entries where message.matches(entry) {
                guard let msgid = entry["msgid"]?.int else { continue }
                do {
                    if try await !store.isOwnMessage(msgid) { return .found(msgid) }
                } catch {
                    return .unknown(.local("cannot read which messages serve sent", error))
                }
            }
            guard entries.count >= 100, let last = entries.last?["sendtime"]?.int, last > begin, last < end else {
                return .notFound
            }
            begin = last
        }
        return .unknown(.local("history lookup: more than \(maxPages) pages", retryable: true))
    }
}
