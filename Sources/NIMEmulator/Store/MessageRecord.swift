import GRDB

/// A message sent with `msg/sendMsg.action` (`messages`).
struct MessageRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "messages"
    var msgid: Int64
    var sender: String
    var ope: Int
    var receiver: String
    var type: Int
    var body: String
    var ext: String?
    var option: String?
    var msgidclient: String
    var timetag: Int64
    /// When `msg/recall.action` recalled it (ms); nil while it stands.
    var recalledAt: Int64?
    /// A p2p message whose receiver had the sender on its blacklist when it was sent: stored, not
    /// delivered (NIM's CC marks it `blacklist`).
    var blacklisted = false
}
