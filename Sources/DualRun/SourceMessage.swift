internal import Foundation
internal import MigrationCore

/// One message the old server copied to `/old/messages` (canonical, or a vendor's shape turned
/// canonical by its ``SourceVendor``, as its export adapter does): its canonical line text and
/// its source key (msgid, from, to/tid, createTime) in OLD ids.
///
/// The key is taken by running ``HistoryNormalizer`` with an identity mapping (every user id maps
/// to itself folded as an ``OldUserID``, every gid to itself), so `type`, `msgid` and `createTime`
/// are read with exactly the history stage's rules (strings or numbers, seconds converted to ms,
/// non-numeric ids hashed), a line the history stage would reject for its shape is refused here
/// too, and a message is one key however its old server spelled its users' ids.
struct SourceMessage: Sendable, Equatable {
    /// `msgid|from|to|createTime` or `msgid|accid|tGID|createTime`, old ids (users folded).
    var key: String
    /// The conversation, for keeping each conversation's messages in order.
    var conversation: Scope
    /// The canonical line, compact.
    var line: String
    /// ms.
    var createTime: Int64

    /// Reads one element of the request; the reason when its shape is not the plan's.
    static func read(_ value: JSONValue) -> Result<SourceMessage, Rejection> {
        var line = value.text
        switch SourceFormats.vendors.lazy.compactMap({ $0.incomingMessage(value) }).first {
        case .line(let text)?: line = text
        case .skipped(let code, let reason)?:
            return .failure(Rejection(code: code, reason: reason, ignorable: true))
        case .rejected(let code, let reason)?:
            return .failure(Rejection(code: code, reason: reason))
        case nil: break
        }
        let identity = HistoryNormalizer(
            mapping: .init(user: { .migrated(OldUserID($0).folded) }, team: { $0 }, file: { _ in nil }))
        switch identity.normalize(Data(line.utf8)) {
        case .rejected(let code, let reason):
            return .failure(Rejection(code: code, reason: reason))
        case .message(let message, _, _):
            let conversation: Scope =
                switch message.conversation {
                case .p2p(let from, let to): .p2p(OldUserID(from), OldUserID(to))
                case .team(_, let gid): .team(gid)
                }
            return .success(
                SourceMessage(key: message.key, conversation: conversation, line: line, createTime: message.createTime))
        }
    }

    /// Why a message was refused.
    struct Rejection: Error, Sendable, Equatable {
        var code: String
        var reason: String
        /// Not a chat message at all (Easemob's `cmd`, chat rooms): acknowledged and dropped, so
        /// one typing indicator does not make the old server retry a whole batch.
        var ignorable = false
    }
}
