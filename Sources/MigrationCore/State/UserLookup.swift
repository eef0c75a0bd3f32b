internal import GRDB
internal import Synchronization

/// Source accid → NIM accid for one registration pass (the relations' and groups' lines): one
/// read snapshot of `source_user`, asked synchronously, with no transaction or thread hop per
/// reference. (Asking the pool once per reference cost a read transaction — three `fcntl` locks —
/// and two thread hops each: two per friend line, one per group member; issue 27.) The snapshot
/// sees the accounts as the users stage registered them; drop the lookup when the pass ends, so
/// the WAL can be checkpointed again.
///
/// Up to ``cacheLimit`` accounts are read in one scan when the lookup is made (a friend line names
/// two, and asking for each one first cost a query per account); when that was all of them, a
/// reference not among them is only looked for by case. Other answers are kept as they are given,
/// up to the same limit, so memory stays flat however many accounts there are.
final class UserLookup: Sendable {
    /// A snapshot of the pool (a queue in memory, in tests).
    private let snapshot: any DatabaseReader
    /// The same questions without GRDB, on a file's database.
    private let reader: SourceUserReader?
    /// The accounts read when the lookup was made, by source accid.
    private let preloaded: [String: UserResolution]
    /// Whether ``preloaded`` holds every account.
    private let complete: Bool
    /// Answers given for references not preloaded; emptied when it reaches ``cacheLimit``.
    private let cache = Mutex<[String: UserResolution]>([:])
    /// Accounts preloaded, and answers kept, at most.
    private let limit: Int
    static let cacheLimit = 300_000

    init(_ snapshot: any DatabaseReader, reader: SourceUserReader?, limit: Int = UserLookup.cacheLimit) throws {
        self.snapshot = snapshot
        self.reader = reader
        self.limit = limit
        (preloaded, complete) = try snapshot.read { db in
            var accounts: [String: UserResolution] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT original, nim, status FROM source_user LIMIT ?", arguments: [limit + 1])
            while accounts.count < limit, let row = try rows.next() {
                accounts[row[0]] = StateDatabase.resolution(nim: row[1], status: row[2])
            }
            return (accounts, try rows.next() == nil)
        }
    }

    /// What a reference means (see ``StateDatabase/resolveUser(_:)``).
    func resolve(_ reference: String) throws -> UserResolution {
        if let known = preloaded[reference] { return known }
        if let known = cache.withLock({ $0[reference] }) { return known }
        let resolution =
            try reader?.resolve(reference, exactKnownAbsent: complete)
            ?? snapshot.read { db in try StateDatabase.resolveUser(reference, in: db, exactKnownAbsent: complete) }
        cache.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[reference] = resolution
        }
        return resolution
    }

    /// The NIM accid of a source reference, or why it cannot be used (for the line's report).
    func nimAccid(_ reference: String) throws -> Result<String, UserReferenceProblem> {
        switch try resolve(reference) {
        case .migrated(let accid): .success(accid)
        case .unknown: .failure(.init(code: "unknown-user", text: "'\(reference)' is not in users.jsonl"))
        case .invalid:
            .failure(.init(code: "invalid-user", text: "'\(reference)' has an invalid accid (see users.jsonl)"))
        case .colliding:
            .failure(
                .init(code: "colliding-user", text: "'\(reference)' collides with another accid (see users.jsonl)"))
        }
    }
}

extension StateDatabase {
    /// A ``UserLookup`` on the accounts registered so far.
    func userLookup(limit: Int = UserLookup.cacheLimit) throws -> UserLookup {
        guard let pool = pool as? DatabasePool else { return try UserLookup(pool, reader: nil, limit: limit) }
        return try UserLookup(try pool.makeSnapshot(), reader: SourceUserReader(path: pool.path), limit: limit)
    }
}
