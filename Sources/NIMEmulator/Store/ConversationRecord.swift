import GRDB

/// A server-side conversation created through the v2 API (`conversations`).
struct ConversationRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "conversations"
    var conversationId: String
    var owner: String
    var type: Int
    var target: String
    var createTime: Int64
    var updateTime: Int64
}
