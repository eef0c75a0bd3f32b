internal import Foundation

/// Builds one team step by step, saving progress after each step: the groups stage's work items
/// (see ``GroupsStage``) and serve's `group.created` events (``OldEventApplier``) alike.
struct TeamBuilder {
    let client: NIMClient
    let stage: StageID
    /// The pipeline's state: the new tid goes into its id map.
    let database: StateDatabase
    /// Keeps the progress durable (the work item's, the event's).
    let save: @Sendable (GroupsStage.Progress) async throws -> Void
    let plan: GroupPlan
    /// Members are muted ten per v2 batch mute instead of one per v1 call.
    let v2: Bool
    /// The team icon, re-hosted already, set at creation.
    var icon: String?

    func build(_ progress: inout GroupsStage.Progress, mayExist: Bool) async throws -> String {
        let tid = try await ensureTeam(&progress, mayExist: mayExist)
        try await steps(plan.addBatches, \.addBatches, &progress) {
            .addTeamMembers(tid: tid, owner: plan.owner, members: $0)
        }
        try await steps(plan.managerBatches, \.managerBatches, &progress) {
            .addTeamManagers(tid: tid, owner: plan.owner, members: $0)
        }
        let batches = plan.muteBatches(v2: v2)
        if progress.muteBatch ?? 1 != (v2 ? NIMRequest.muteBatch : 1) {
            progress.muted = 0
            progress.muteBatch = v2 ? NIMRequest.muteBatch : 1
        }
        try await steps(batches, \.muted, &progress) { accids in
            v2
                ? .muteTeamMembers(tid: tid, owner: plan.owner, accids: accids)
                : .muteTeamMember(tid: tid, owner: plan.owner, accid: accids[0])
        }
        if plan.muteAll {
            _ = try await client.send(.muteTeam(tid: tid, owner: plan.owner), stage: stage)
        }
        return tid
    }

    /// Sends one request per batch from `done` on, saving progress after each.
    private func steps(
        _ batches: [[String]], _ done: WritableKeyPath<GroupsStage.Progress, Int>,
        _ progress: inout GroupsStage.Progress,
        _ request: ([String]) -> NIMRequest
    ) async throws {
        while progress[keyPath: done] < batches.count {
            _ = try await client.send(request(batches[progress[keyPath: done]]), stage: stage)
            progress[keyPath: done] += 1
            try await save(progress)
        }
    }

    /// The team's tid: from the progress, from a read-back when an earlier attempt may have
    /// created it, or from a new `team/create.action`.
    private func ensureTeam(_ progress: inout GroupsStage.Progress, mayExist: Bool) async throws -> String {
        if let tid = progress.tid {
            // A kill between the progress's save and the id map's write leaves the tid unmapped:
            // mapping again is harmless, missing it would leave the group unknown for good.
            try await database.map([IDMapping(kind: .team, old: plan.gid, new: tid)])
            return tid
        }
        if mayExist, let tid = try await findExisting() {
            try await record(tid, &progress)
            return tid
        }
        var settings = plan.settings
        settings.custom = plan.custom
        settings.icon = icon ?? settings.icon
        var response: NIMResponse?
        for attempt in 1...3 where response == nil {
            switch await createTeam(settings) {
            case .success(let answer): response = answer
            case .failure(let error):
                // An unanswered create may have happened: look before anyone creates it again, and
                // create again only when the owner's teams show it did not.
                guard error.ambiguous, attempt < 3 else { throw error }
                if let tid = try await findExisting() {
                    try await record(tid, &progress)
                    return tid
                }
            }
        }
        guard let response else {
            throw CallFailure(code: 0, desc: "team/create failed", endpoint: "team/create.action")
        }
        Failpoint.hit("groups.after-create")
        guard let tid = response["tid"]?.string else {
            throw CallFailure(code: 0, desc: "team/create answered without a tid", endpoint: "team/create.action")
        }
        try await record(tid, &progress)
        return tid
    }

    private func createTeam(_ settings: NIMRequest.TeamSettings) async -> Result<NIMResponse, CallFailure> {
        do {
            return .success(
                try await client.send(
                    .createTeam(name: plan.tname, owner: plan.owner, members: plan.createMembers, settings: settings),
                    stage: stage))
        } catch {
            return .failure(error)
        }
    }

    /// The owner's team that carries this group's marker, if NIM has one.
    private func findExisting() async throws -> String? {
        let response = try await client.send(.joinedTeams(accid: plan.owner), stage: stage)
        let teams = response["infos"]?.array ?? []
        return teams.first(where: plan.matches)?["tid"]?.string
    }

    private func record(_ tid: String, _ progress: inout GroupsStage.Progress) async throws {
        progress.tid = tid
        try await save(progress)
        Failpoint.hit("groups.before-map")
        try await database.map([IDMapping(kind: .team, old: plan.gid, new: tid)])
    }
}
