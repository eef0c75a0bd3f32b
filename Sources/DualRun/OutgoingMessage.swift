internal import Foundation
internal import MigrationCore

/// A mapped message as a `msg/sendMsg.action` call (reference §2.9): `ope` 0 to an account,
/// 1 to a team; the body in sendMsg's per-type shape; `ext` carrying a marker the bridge can
/// recognise in NIM's history when reconciling a call whose answer was lost.
///
/// The marker (`nim_migrate_src`, a hash of the source key) is added only when `ext` is absent
/// or a JSON object with room for it; otherwise `ext` goes as it came and reconciliation matches
/// on sender, type and body alone.
struct OutgoingMessage: Sendable, Equatable {
    static let markerKey = "nim_migrate_src"

    var from: String
    var ope: Int
    var to: String
    var type: Int
    var body: String
    var ext: String?
    /// The marker value, when `ext` carries it.
    var marker: String?

    /// The call for a message, or nil for a type sendMsg does not take (team notifications).
    init?(_ message: HistoryMessage, sourceKey: String) {
        switch message.conversation {
        case .p2p(let from, let to):
            (self.from, ope, self.to) = (from, 0, to)
        case .team(let accid, let tid):
            (from, ope, to) = (accid, 1, tid)
        }
        type = message.type
        switch message.type {
        case 0, 10:
            body = JSONValue.object(["msg": .string(message.body ?? "")]).text
        case 1, 2, 3, 4, 6:
            body = (message.attach ?? .object([:])).text
        case 100:
            if let attach = message.attach {
                body = attach.text
            } else if let text = message.body, case .object? = try? JSONValue.parse(Data(text.utf8)) {
                body = text
            } else {
                body = JSONValue.object(["msg": .string(message.body ?? "")]).text
            }
        default:
            return nil
        }
        let marker = String(HistoryNormalizer.stableID(sourceKey))
        switch message.ext {
        case nil:
            ext = JSONValue.object([Self.markerKey: .string(marker)]).text
            self.marker = marker
        case let text?:
            if case .object(var object)? = try? JSONValue.parse(Data(text.utf8)) {
                object[Self.markerKey] = .string(marker)
                let marked = JSONValue.object(object).text
                if marked.count <= 1024 {
                    ext = marked
                    self.marker = marker
                    return
                }
            }
            ext = text
            self.marker = nil
        }
    }

    /// The request.
    var request: NIMRequest {
        .sendMessage(from: from, ope: ope, to: to, type: type, body: body, ext: ext, option: nil)
    }

    /// Whether an entry of NIM's history (`querySessionMsg` / `queryTeamMsg`) is this message.
    func matches(_ entry: JSONValue) -> Bool {
        guard entry["from"]?.string?.lowercased() == from.lowercased(), entry["type"]?.int == Int64(type) else {
            return false
        }
        if let extText = entry["ext"]?.string, let ext = try? JSONValue.parse(Data(extText.utf8)),
            let theirs = ext[Self.markerKey]?.string
        {
            return theirs == marker
        }
        let sentBody = try? JSONValue.parse(Data(body.utf8))
        switch entry["body"] {
        case .string(let text)?: return (try? JSONValue.parse(Data(text.utf8))) == sentBody
        case let value?: return value == sentBody
        case nil: return false
        }
    }
}
