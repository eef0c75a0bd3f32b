internal import Foundation

/// Stage 6: every user's recent sessions (p2p peers and teams), built from the migrated history
/// plus the optional `sessions.jsonl` of pre-migration sessions, newest first, at most
/// `sessions.limit` each, written to `state/NAME/sessions/sessions-NN.jsonl` (16 shards by user)
/// for the app server; with `sessions.create_conversations` also created in NIM through the v2
/// conversation API (`owner|1|peer`, `owner|2|tid`).
///
/// The build is a pure function of the history files, `sessions.jsonl` and the teams, kept in
/// SQLite (memory does not grow with users or messages) and written to a temporary folder that
/// replaces the output only when complete, so a crash at any point just builds again.
public struct SessionsStage: Stage {
    public let id = StageID.sessions
    let services: StageServices
    static let file = "sessions.jsonl"
    static let shards = 16

    public init(services: StageServices) {
        self.services = services
    }

    public func register(_ context: StageContext) async throws -> StagePlan {
        try await context.registerOnce(fingerprint: "build") { emit in
            try await emit([NewWorkItem(key: "build", kind: "build")])
        }
        return try await context.plan([("conversation", "POST /im/v2.1/conversations")])
    }

    /// New history (or teams, or accounts) since the last build: build again.
    public func inputsFinished(at instant: Int64, _ context: StageContext) async throws {
        try await context.reopen("build", ifDoneBy: instant)
    }

    public func run(_ context: StageContext) async throws {
        if let item = try await context.database.item(stage: id, key: "build"), item.status != .done {
            try await build(context)
            try await context.database.complete([(item.id, .done())])
            await context.progress.itemsFinished(id, done: 1, failed: 0, skipped: 0)
        }
        guard services.config.sessions.createConversations, !context.stop.isRequested else { return }
        try await registerConversations(context)
        let client = try services.requireClient(id)
        try await context.process(kind: "conversation", on: client.executor) { item, _ in
            do throws(CallFailure) {
                _ = try await client.send(.createConversation(id: String(item.key.dropFirst("conv:".count))), stage: id)
                return .done()
            } catch {
                return ItemOutcome(error)
            }
        }
    }

    /// Every session of the output becomes one conversation item (registered once).
    private func registerConversations(_ context: StageContext) async throws {
        guard try await context.database.checkpoint(id, "conversations") == nil else { return }
        var batch: [NewWorkItem] = []
        try context.database.forEachUserSessions(limit: services.config.sessions.limit) { owner, sessions in
            for session in sessions {
                batch.append(NewWorkItem(key: "conv:\(owner)|\(session.type)|\(session.target)", kind: "conversation"))
            }
        }
        for start in stride(from: 0, to: batch.count, by: 5000) {
            try await context.database.register(Array(batch[start..<min(start + 5000, batch.count)]), stage: id)
        }
        try await context.database.setCheckpoint(id, "conversations", "registered")
    }

    /// A short text for a session's last message.
    static func summary(type: Int, body: String?) -> String {
        switch type {
        case 0, 10: String((body ?? "").prefix(100))
        case 1: "[image]"
        case 2: "[audio]"
        case 3: "[video]"
        case 4: "[location]"
        case 6: "[file]"
        case 100: "[custom]"
        default: "[notification]"
        }
    }
}
