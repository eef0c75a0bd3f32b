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
