import GRDB

/// A team membership (`team_members`); the owner has a row too.
struct TeamMemberRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "team_members"
    /// Role of a member.
    enum Role: Int, Codable, Sendable {
        case owner = 0, manager = 1, normal = 2
    }
    var tid: Int64
    var accid: String
    var role: Role
    var muted: Bool
    var joinTime: Int64
}
