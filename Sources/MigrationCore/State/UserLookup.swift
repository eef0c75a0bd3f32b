internal import GRDB
internal import Synchronization

/// Source accid → NIM accid for one registration pass (the relations' and groups' lines), asked
/// synchronously, with no transaction or thread hop per reference (asking the pool once per
/// reference cost a read transaction — three `fcntl` locks — and two thread hops each; issue 27).
/// `source_user` is not written while a pass reads, so every answer is the users stage's.
///
/// The accounts a reference names as they are, with their accid lower-cased as NIM accid — nearly
/// all — are read in one scan when the lookup is made, as 8-byte hashes (a friend line names two,
/// and asking for each one cost a query per account: most of a million-user relations pass). Up
/// to ``plainLimit`` of them: 16 MB at a million accounts. Other references are asked — on a
/// read-only connection of its own for a file's database (``SourceUserReader``; drop the lookup
/// when the pass ends, so the WAL can be checkpointed again), else through GRDB — and their
/// answers kept, up to ``cacheLimit``, so memory stays flat however many accounts there are.
final class UserLookup: Sendable {
    /// The state database (a queue in memory, in tests).
    private let database: any DatabaseReader
    /// The same questions without GRDB, on a file's database.
    private let reader: SourceUserReader?
    /// The hashes of the accounts read when the lookup was made.
    private let plain: HashSet
    /// Answers given for other references; emptied when it reaches ``cacheLimit``.
    private let cache = Mutex<[String: UserResolution]>([:])
    static let cacheLimit = 100_000
    static let plainLimit = 2_000_000

    init(_ database: any DatabaseReader, reader: SourceUserReader?, plainLimit: Int = UserLookup.plainLimit) throws {
        self.database = database
        self.reader = reader
        plain = try database.read { db in try StateDatabase.plainUserHashes(in: db, limit: plainLimit) }
    }

    /// What a reference means (see ``StateDatabase/resolveUser(_:)``).
    func resolve(_ reference: String) throws -> UserResolution {
        if plain.contains(StableHasher.hash(reference)) { return .migrated(ReferenceCache.lowercased(reference)) }
        if let known = cache.withLock({ $0[reference] }) { return known }
        let resolution =
            try reader?.resolve(reference)
            ?? database.read { db in try StateDatabase.resolveUser(reference, in: db) }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
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
    func userLookup(plainLimit: Int = UserLookup.plainLimit) throws -> UserLookup {
        try UserLookup(
            pool, reader: (pool as? DatabasePool).flatMap { SourceUserReader(path: $0.path) }, plainLimit: plainLimit)
    }
}
