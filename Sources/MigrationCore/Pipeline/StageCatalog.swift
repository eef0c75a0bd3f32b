/// Builds the stage objects a pipeline asks for, in the documented order.
public struct StageCatalog: Sendable {
    public let services: StageServices

    public init(services: StageServices) {
        self.services = services
    }

    /// The stages of the pipeline, in order.
    public func stages() -> [any Stage] {
        services.config.stages.map(make)
    }

    private func make(_ id: StageID) -> any Stage {
        switch id {
        case .users: UsersStage(services: services)
        case .relations: RelationsStage(services: services)
        case .groups: GroupsStage(services: services)
        case .files: FilesStage(services: services)
        case .history: HistoryStage(services: services)
        case .sessions: SessionsStage(services: services)
        }
    }
}
