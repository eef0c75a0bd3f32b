/// Accid and tid lookups of the history pass, remembered across chunks. Bounded: when a table
/// passes `limit` entries it is emptied, so memory does not grow with the number of users.
/// Used by the one sequential pass only.
final class ReferenceCache {
    private var users: [String: UserResolution] = [:]
    private var teams: [String: String?] = [:]
    private var files: [String: HostedFile?] = [:]
    let limit: Int

    init(limit: Int = 200_000) {
        self.limit = limit
    }

    func user(_ reference: String, _ resolve: () -> UserResolution) -> UserResolution {
        if let hit = users[reference] { return hit }
        if users.count >= limit { users.removeAll(keepingCapacity: true) }
        let value = resolve()
        users[reference] = value
        return value
    }

    func file(_ url: String, _ resolve: () -> HostedFile?) -> (url: String, md5: String, size: Int)? {
        if let hit = files[url] { return hit.map { ($0.url, $0.md5, $0.size) } }
        if files.count >= limit { files.removeAll(keepingCapacity: true) }
        let value = resolve()
        files[url] = value
        return value.map { ($0.url, $0.md5, $0.size) }
    }

    func team(_ gid: String, _ resolve: () -> String?) -> String? {
        if let hit = teams[gid] { return hit }
        if teams.count >= limit { teams.removeAll(keepingCapacity: true) }
        let value = resolve()
        teams[gid] = value
        return value
    }
}
