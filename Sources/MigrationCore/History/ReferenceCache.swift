/// Accid and tid lookups of the history pass, remembered across chunks. Bounded: when a table
/// passes `limit` entries it is emptied, so memory does not grow with the number of users.
/// Used by the one sequential pass only.
final class ReferenceCache {
    private var users = StringTable<UserResolution>()
    private var teams = StringTable<String?>()
    private var files = StringTable<HostedFile?>()
    let limit: Int

    init(limit: Int = 200_000) {
        self.limit = limit
    }

    func user(_ reference: String, _ resolve: () -> UserResolution) -> UserResolution {
        Self.lookup(&users, reference, limit, resolve)
    }

    func file(_ url: String, _ resolve: () -> HostedFile?) -> (url: String, md5: String, size: Int)? {
        Self.lookup(&files, url, limit, resolve).map { ($0.url, $0.md5, $0.size) }
    }

    func team(_ gid: String, _ resolve: () -> String?) -> String? {
        Self.lookup(&teams, gid, limit, resolve)
    }

    private static func lookup<Value>(
        _ table: inout StringTable<Value>, _ key: String, _ limit: Int, _ resolve: () -> Value
    ) -> Value {
        if let hit = table[key] { return hit }
        if table.count >= limit { table.removeAll() }
        let value = resolve()
        table[key] = value
        return value
    }
}
