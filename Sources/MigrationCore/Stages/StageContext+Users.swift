extension StageContext {
    /// The NIM accid of a source reference, or why it cannot be used (for the line's report).
    func nimAccid(_ reference: String) async throws -> Result<String, UserReferenceProblem> {
        switch try await database.resolveUser(reference) {
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

/// Why a referenced account is left out.
struct UserReferenceProblem: Error {
    var code: String
    var text: String
}

extension StageContext {
    /// A plan from item kinds: all items of the kinds, and one call per item still to do of each.
    func plan(_ kinds: [(kind: String, endpoint: String)]) async throws -> StagePlan {
        var plan = StagePlan()
        for (kind, endpoint) in kinds {
            let counts = try await database.counts(stage: stage, kind: kind)
            plan.items += counts.total
            if counts.remaining > 0 { plan.calls[endpoint, default: 0] += counts.remaining }
        }
        return plan
    }
}
