internal import GRDB

/// The current NIM owner of each team serve changed (``TeamOwners``): the owner a team call is made by.
extension ServeStore {
    func teamOwner(_ tid: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT owner FROM team_owner WHERE tid = ?", arguments: [tid])
        }
    }

    func recordTeamOwner(_ tid: String, _ owner: String) async throws {
        try await change("INSERT OR REPLACE INTO team_owner (tid, owner) VALUES (?, ?)", [tid, owner])
    }
}
