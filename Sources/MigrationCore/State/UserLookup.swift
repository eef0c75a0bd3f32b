internal import GRDB
internal import NIOConcurrencyHelpers

/// Source accid → NIM accid for one registration pass (the relations' and groups' lines): one
/// read snapshot of `source_user`, asked synchronously, with no transaction or thread hop per
/// reference. (Asking the pool once per reference cost a read transaction — three `fcntl` locks —
/// and two thread hops each: two per friend line, one per group member; issue 27.) The snapshot
/// sees the accounts as the users stage registered them; drop the lookup when the pass ends, so
/// the WAL can be checkpointed again.
final class UserLookup: Sendable {
    /// A snapshot of the pool (a queue in memory, in tests).
    private let snapshot: any DatabaseReader

    init(_ snapshot: any DatabaseReader) {
        self.snapshot = snapshot
    }

    /// Answers already given (an account is named by many lines); emptied when it reaches
    /// ``cacheLimit``, so memory stays flat however many accounts there are.
    private let cache = NIOLockedValueBox<[String: UserResolution]>([:])
    static let cacheLimit = 300_000

    /// What a reference means (see ``StateDatabase/resolveUser(_:)``).
    func resolve(_ reference: String) throws -> UserResolution {
        if let known = cache.withLockedValue({ $0[reference] }) { return known }
        let resolution = try snapshot.read { db in try StateDatabase.resolveUser(reference, in: db) }
        cache.withLockedValue { cache in
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
    func userLookup() throws -> UserLookup {
        UserLookup(try (pool as? DatabasePool)?.makeSnapshot() ?? pool)
    }
}
