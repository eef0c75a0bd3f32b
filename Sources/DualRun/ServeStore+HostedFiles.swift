internal import GRDB
internal import MigrationCore

/// `hosted_file`: the attachments an earlier serve re-hosted itself, by their old URL. Serve now
/// keeps them in the pipeline's one re-hosting record (``FileHosting``), like the stages; a serve
/// database written before still opens, and its rows are moved there at start.
extension ServeStore {
    /// Moves the rows of `hosted_file` into `state`'s re-hosting record (then empties the table);
    /// returns how many there were.
    func moveHostedFiles(to state: StateDatabase) async throws -> Int {
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT url, new_url, md5, size FROM hosted_file").map {
                (
                    old: $0["url"] as String,
                    hosted: HostedFile.make(url: $0["new_url"], md5: $0["md5"], size: $0["size"])
                )
            }
        }
        for row in rows { try await state.adoptHostedFile(old: row.old, row.hosted) }
        if !rows.isEmpty { try await change("DELETE FROM hosted_file", []) }
        return rows.count
    }
}
