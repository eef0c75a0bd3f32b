/// Why a referenced account is left out.
struct UserReferenceProblem: Error {
    var code: String
    var text: String
}

extension StageContext {
    /// A plan from item kinds: all items of the kinds, and one call per item still to do of each
    /// kind that has an endpoint (a kind without costs no call of its own).
    func plan(_ kinds: [(kind: String, endpoint: String?)]) async throws -> StagePlan {
        var plan = StagePlan()
        let byKind = try await database.countsByKind(stage: stage)
        for (kind, endpoint) in kinds {
            let counts = byKind[kind] ?? StageCounts()
            plan.items += counts.total
            if let endpoint, counts.remaining > 0 { plan.calls[endpoint, default: 0] += counts.remaining }
        }
        return plan
    }
}
