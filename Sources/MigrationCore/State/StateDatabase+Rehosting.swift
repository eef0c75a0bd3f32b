internal import GRDB

extension StateDatabase {
    /// The one re-hosting record (``FileHosting``) read by the source URL: its NIM URL from the
    /// id map, md5 and size from the content it was hosted as; nil when it was never re-hosted.
    public func hostedFile(old url: String) async throws -> HostedFile? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT f.url, f.md5, f.size FROM id_map m JOIN file_content f ON f.url = m.new
                    WHERE m.kind = ? AND m.old = ? LIMIT 1
                    """, arguments: [IDKind.file.rawValue, url]
            ).map { HostedFile(url: $0["url"], md5: $0["md5"], size: $0["size"]) }
        }
    }

    /// Takes over a file re-hosted before its content was recorded (serve's own `hosted_file`
    /// table of an earlier version): mapped by its URL, its content keyed `unhashed:NEW_URL`
    /// (never a SHA-256, so no upload is ever deduplicated against it).
    public func adoptHostedFile(old url: String, _ hosted: HostedFile) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO file_content (sha256, url, md5, size) VALUES (?, ?, ?, ?)",
                arguments: ["unhashed:" + hosted.url, hosted.url, hosted.md5, hosted.size])
            try db.execute(
                sql: "INSERT OR IGNORE INTO id_map (kind, old, new) VALUES (?, ?, ?)",
                arguments: [IDKind.file.rawValue, url, hosted.url])
        }
    }
}
