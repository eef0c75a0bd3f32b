import GRDB

/// A blacklist (1) or mute-list (2) entry (`special_relations`).
struct SpecialRelationRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "special_relations"
    var accid: String
    var targetAcc: String
    var relationType: Int
}
