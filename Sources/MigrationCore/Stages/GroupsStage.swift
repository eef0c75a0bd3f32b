internal import Foundation

/// Stage 3: one team per group: `team/create.action` (owner + up to 199 invitees), then
/// `team/add.action` in batches of 200, `team/addManager.action` in batches of 10,
/// `team/muteTlist.action` per muted member (with the v2 endpoint, one v2 batch mute per ten) and
/// `team/muteTlistAll.action`.
///
/// Exactly-once creation (NIM's create is not idempotent: every call makes a new tid):
/// the tid is written to the item's progress and the id map the moment NIM answers. An item that
/// was claimed before (a dead run's orphan, or a retried failure) and has no tid yet may have
/// created its team unseen, so it first reads the owner's teams back (`team/joinTeams.action`)
/// and looks for the marker this tool put into `custom`; only when none is found is the team
/// created. Each later step is checkpointed in the item's progress and is idempotent at NIM.
public struct GroupsStage: Stage {
    public let id = StageID.groups
    let services: StageServices
    static let file = "groups.jsonl"

    /// How far an item got, saved after each step.
    struct Progress: Codable, Equatable {
        var tid: String?
        var addBatches = 0
        var managerBatches = 0
        /// Mute calls made, and how many members each took (1 with v1, 10 with v2): progress made
        /// with the other size starts the mutes again (muting twice is harmless).
        var muted = 0
        var muteBatch: Int?

        /// Mute calls already made with batches of `size`.
        func mutedCalls(batch size: Int) -> Int { (muteBatch ?? 1) == size ? muted : 0 }
    }

    /// Whether the v2 API is used (muting ten members per call).
    var v2: Bool { services.config.target.v2Endpoint != nil }

    public init(services: StageServices) {
        self.services = services
    }

    public func register(_ context: StageContext) async throws -> StagePlan {
        let export = services.export
        let fingerprint = export.fingerprint([UsersStage.file, Self.file]) + "|map:" + services.accidMap.fingerprint
        try await context.registerOnce(fingerprint: fingerprint) { emit in
            guard export.has(Self.file) else { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var seen: [String: Int] = [:]
            var book = AccountBook()
            let users = try context.database.userLookup()
            // A batch of 1,000: a plan carries its group's whole member list.
            try await context.readRecords(Self.file, in: export, stage: id, batch: 1000, &book, emit) { reader in
                guard let plan = try await readGroup(&reader, users) else { return [] }
                if let first = seen[plan.gid] {
                    reader.problem(
                        "duplicate-group",
                        "gid \(plan.gid) is listed again; the first (\(Self.file):\(first)) is migrated")
                    return []
                }
                seen[plan.gid] = reader.line
                return [
                    NewWorkItem(
                        key: "team:\(plan.gid)", kind: "team",
                        payload: String(decoding: try encoder.encode(plan), as: UTF8.self),
                        sourceFile: Self.file, sourceLine: reader.line)
                ]
            }
            try await context.database.setAccounts(layer: id.rawValue, book)
        }
        return try await plan(context)
    }

    /// Items and the calls still to make (done steps of a half-built team are not counted), and the
    /// icons to upload first.
    private func plan(_ context: StageContext) async throws -> StagePlan {
        var calls: [String: Int] = [:]
        var floor: [String: Int] = [:]
        for status in [WorkStatus.pending, .inFlight] {
            for item in try await context.database.allItems(stage: id, status: status) {
                guard let plan = decodeJSON(GroupPlan.self, item.payload) else { continue }
                let progress = decodeJSON(Progress.self, item.progress) ?? Progress()
                for (endpoint, count) in Self.remainingCalls(plan, progress, v2: v2) {
                    calls[endpoint, default: 0] += count
                }
                for (endpoint, count) in Self.remainingCalls(plan, progress, v2: true) {
                    floor[endpoint, default: 0] += count
                }
            }
        }
        let icons = try await Self.icons(context.database)
        if context.dryRun {
            var seen = Set<String>()
            // The users stage uploads first: an icon with an avatar's bytes is no upload here.
            _ = FileHosting.countUploads(
                try await UsersStage.avatars(context.database), root: services.export.attachmentRoot, seen: &seen)
            calls["msg/fileUpload.action"] =
                FileHosting.countUploads(icons, root: services.export.attachmentRoot, seen: &seen).uploads
        } else {
            calls["msg/fileUpload.action"] = Set(icons).count
        }
        let total = try await context.database.counts()[id]?.total ?? 0
        var stagePlan = StagePlan(items: total, calls: calls.filter { $0.value > 0 })
        if !v2 {
            floor["msg/fileUpload.action"] = calls["msg/fileUpload.action"]
            stagePlan.floorCalls = floor.filter { $0.value > 0 }
        }
        return stagePlan
    }

    static func remainingCalls(_ plan: GroupPlan, _ progress: Progress, v2: Bool) -> [String: Int] {
        var calls = plan.calls(v2: v2)
        if progress.tid != nil { calls["team/create.action"] = nil }
        calls["team/add.action"] = (calls["team/add.action"] ?? 0) - progress.addBatches
        calls["team/addManager.action"] = (calls["team/addManager.action"] ?? 0) - progress.managerBatches
        let mute = GroupPlan.muteEndpoint(v2: v2)
        calls[mute] = (calls[mute] ?? 0) - progress.mutedCalls(batch: v2 ? NIMRequest.muteBatch : 1)
        return calls
    }

    public func run(_ context: StageContext) async throws {
        let client = try services.requireClient(id)
        let hosting = try await services.fileHosting(id, context)
        try await context.process(on: client.executor) { item, resumed in
            guard let plan = decodeJSON(GroupPlan.self, item.payload) else {
                return .failed(.unreadableItem)
            }
            var progress = decodeJSON(Progress.self, item.progress) ?? Progress()
            var icon: String?
            if progress.tid == nil, let source = plan.icon, !source.isEmpty {
                switch await iconURL(source, item, hosting, context) {
                case .success(let url): icon = url
                case .failure(let halt): return ItemOutcome(halt)
                }
            }
            let database = context.database
            let builder = TeamBuilder(
                client: client, stage: id, database: database,
                save: { progress in
                    let data = try JSONEncoder().encode(progress)
                    try await database.saveProgress(item.id, String(decoding: data, as: UTF8.self))
                }, plan: plan, v2: v2, icon: icon)
            do {
                let tid = try await builder.build(&progress, mayExist: resumed || item.attempts > 1)
                return .done(result: tid)
            } catch {
                return ItemOutcome(.local(error))
            }
        }
        await hosting.fetcher.shutdown()
    }

    /// The NIM URL for a team's icon, re-hosted before the team is created (SPEC §5; see
    /// ``FileHosting/iconURL(_:unhosted:)``); one that cannot be re-hosted is reported at the group.
    private func iconURL(_ source: String, _ item: WorkItem, _ hosting: FileHosting, _ context: StageContext)
        async -> Result<String?, CallFailure>
    {
        await hosting.iconURL(source) { failure in
            try? await context.report([
                Problem(
                    stage: id, file: item.sourceFile ?? Self.file, line: item.sourceLine ?? 0,
                    code: failure.refusal == nil ? "icon-not-rehosted" : "url-refused",
                    message: "team icon \(source) \(FileHosting.notHosted(failure)): the team is created without it",
                    severity: .warning)
            ])
        }
    }

    /// The icon references of the teams still to create.
    static func icons(_ database: StateDatabase) async throws -> [String] {
        var icons: [String] = []
        for status in [WorkStatus.pending, .inFlight] {
            try await database.forEachItem(stage: .groups, status: status, kind: nil) { item in
                guard let plan = decodeJSON(GroupPlan.self, item.payload), let icon = plan.icon, !icon.isEmpty,
                    decodeJSON(Progress.self, item.progress)?.tid == nil
                else { return }
                icons.append(icon)
            }
        }
        return icons
    }
}
