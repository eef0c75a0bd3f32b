import Foundation
import GRDB

/// An uploaded file (`files`), bytes included.
struct FileRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "files"
    var id: String
    var url: String
    var size: Int
    var md5: String
    var bytes: Data
    var createTime: Int64
}
