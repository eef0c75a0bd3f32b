internal import GRDB

/// A re-hosted file: its NIM URL and the md5 and size of the bytes uploaded.
public struct HostedFile: Sendable, Codable, Equatable {
    public var url: String
    public var md5: String
    public var size: Int
}

extension StateDatabase {
    /// Claims the upload of a content hash. Returns the hosted file when the content is already
    /// uploaded, `.mine` when this caller must upload it, `.busy` while another caller uploads it.
    public func claimContent(_ sha256: String) async throws -> ContentClaim {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO file_content (sha256) VALUES (?)", arguments: [sha256])
            if db.changesCount > 0 { return .mine }
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT url, md5, size FROM file_content WHERE sha256 = ?", arguments: [sha256]),
                let url: String = row["url"]
            else { return .busy }
            return .hosted(HostedFile(url: url, md5: row["md5"], size: row["size"]))
        }
    }

    /// Records an uploaded content.
    public func hostContent(_ sha256: String, _ file: HostedFile) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE file_content SET url = ?, md5 = ?, size = ? WHERE sha256 = ?",
                arguments: [file.url, file.md5, file.size, sha256])
        }
    }

    /// Gives up one claim (its upload failed), so another item may try.
    public func releaseClaim(_ sha256: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM file_content WHERE sha256 = ? AND url IS NULL", arguments: [sha256])
        }
    }

    /// Drops claims of uploads that never finished (a dead run's): their items are re-done.
    public func releaseContentClaims() async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM file_content WHERE url IS NULL") }
    }
}

/// See ``StateDatabase/claimContent(_:)``.
public enum ContentClaim: Sendable, Equatable {
    case mine
    case busy
    case hosted(HostedFile)
}

extension HistoryTransaction {
    /// The re-hosted file of a source URL, when the files stage re-hosted it.
    public func hostedFile(_ url: String) throws -> HostedFile? {
        let statement = try db.cachedStatement(
            sql: "SELECT result FROM work_item WHERE stage = 'files' AND key = ? AND status = 2")
        guard let text = try String.fetchOne(statement, arguments: ["file:" + url]) else { return nil }
        return decodeJSON(HostedFile.self, text)
    }
}
