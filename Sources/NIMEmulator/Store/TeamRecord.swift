import GRDB

/// An advanced team (`teams`).
struct TeamRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "teams"
    var tid: Int64
    var tname: String
    var owner: String
    var intro: String?
    var announcement: String?
    var icon: String?
    var custom: String?
    var joinmode: Int
    var beinvitemode: Int
    var invitemode: Int
    var uptinfomode: Int
    var upcustommode: Int
    var teamMemberLimit: Int
    var muteType: Int
    var createTime: Int64
    var updateTime: Int64
}
