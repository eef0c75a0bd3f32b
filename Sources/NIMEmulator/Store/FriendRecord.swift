import GRDB

/// One direction of a friendship (`friends`): `accid` has `faccid` as a friend.
struct FriendRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "friends"
    var accid: String
    var faccid: String
    var alias: String?
    var ex: String?
    var serverex: String?
    var createTime: Int64
    var updateTime: Int64
}
