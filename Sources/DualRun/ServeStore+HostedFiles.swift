internal import GRDB

/// `hosted_file`: the attachments serve re-hosted itself (when the files stage had not), by their
/// old URL, so a message sent again or a repeat of it does not upload the file twice.
extension ServeStore {
    /// Serve's own re-hosted copy of an attachment URL.
    func hostedFile(_ url: String) async throws -> (url: String, md5: String, size: Int)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT new_url, md5, size FROM hosted_file WHERE url = ?", arguments: [url])
                .map { ($0["new_url"], $0["md5"], $0["size"]) }
        }
    }

    /// Records an attachment serve re-hosted.
    func recordHostedFile(_ url: String, newURL: String, md5: String, size: Int) async throws {
        try await change(
            "INSERT OR REPLACE INTO hosted_file (url, new_url, md5, size) VALUES (?, ?, ?, ?)",
            [url, newURL, md5, size])
    }
}
