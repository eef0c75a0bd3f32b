/// Accid and tid lookups of the history pass, remembered across chunks. Bounded: when a table
/// passes `limit` entries it is emptied, so memory does not grow with the number of users.
/// Used by the one sequential pass only.
final class ReferenceCache {
    /// References that resolve to themselves lower-cased — nearly all — by hash alone: 8 bytes a
    /// user, a table that stays in the processor's cache where the full one does not. (Two
    /// references with one 64-bit hash would share an answer: about one chance in 10^19 per pair.)
    private var plainUsers = HashSet()
    /// Plain users read before the pass (``StateDatabase/plainUserHashes(in:limit:)``); kept whole.
    private let preloaded: HashSet
    private var users = StringTable<UserResolution>()
    private var teams = StringTable<String?>()
    private var files = StringTable<HostedFile?>()
    let limit: Int

    init(limit: Int = 200_000, preloaded: HashSet = HashSet()) {
        self.limit = limit
        self.preloaded = preloaded
    }

    /// Starts loading what ``user(_:_:)`` will read for the line's accids (from, to, accid).
    func prefetchUsers(of fields: MessageFields) {
        func prefetch(_ text: PlainText?) {
            guard let hash = text?.hash else { return }
            preloaded.prefetch(hash)
            plainUsers.prefetch(hash)
        }
        prefetch(fields.fromText)
        prefetch(fields.toText)
        prefetch(fields.accidText)
    }

    /// The accid of a reference read in place, when it is one of the users that resolve to
    /// themselves lower-cased (and ASCII); nil means: ask ``user(_:_:)``.
    func plainUser(_ text: PlainText) -> String? {
        isPlain(text.hash) ? text.lowercasedASCII : nil
    }

    func user(_ reference: String, _ resolve: () -> UserResolution) -> UserResolution {
        let hash = StableHasher.hash(reference)
        if isPlain(hash) { return .migrated(Self.lowercased(reference)) }
        if let hit = users[reference] { return hit }
        let value = resolve()
        if case .migrated(let accid) = value, accid == Self.lowercased(reference) {
            if plainUsers.count >= limit { plainUsers.removeAll() }
            plainUsers.insert(hash)
        } else {
            if users.count >= limit { users.removeAll() }
            users[reference] = value
        }
        return value
    }

    private func isPlain(_ hash: UInt64) -> Bool { preloaded.contains(hash) || plainUsers.contains(hash) }

    /// The text lower-cased; itself when it has no upper-case ASCII letter and no other
    /// non-ASCII byte (the common case: nothing to build).
    static func lowercased(_ text: String) -> String {
        for byte in text.utf8 where byte >= 0x80 || (0x41...0x5A).contains(byte) { return text.lowercased() }
        return text
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
