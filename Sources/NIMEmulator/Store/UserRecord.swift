import GRDB

/// An IM account (`users`).
struct UserRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "users"
    var accid: String
    var token: String
    var name: String?
    var icon: String?
    var sign: String?
    var email: String?
    var birth: String?
    var mobile: String?
    var gender: Int
    var ex: String?
    var props: String?
    var createTime: Int64
}
