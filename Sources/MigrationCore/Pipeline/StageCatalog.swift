/// Builds the stage objects a pipeline asks for. A stage this build does not have yet is refused
/// up front with the pipeline key at fault, never run as a stub.
public struct StageCatalog: Sendable {
    public let services: StageServices

    public init(services: StageServices) {
        self.services = services
    }

    /// The stages of the pipeline, in order.
    public func stages() throws(ConfigError) -> [any Stage] {
        var built: [any Stage] = []
        for (index, id) in services.config.stages.enumerated() {
            guard let stage = make(id) else {
                throw ConfigError(path: "stages[\(index)]", "stage '\(id)' is not available in this build yet")
            }
            built.append(stage)
        }
        return built
    }

    private func make(_ id: StageID) -> (any Stage)? {
        switch id {
        case .users: UsersStage(services: services)
        case .relations: RelationsStage(services: services)
        case .groups: GroupsStage(services: services)
        case .history: HistoryStage(services: services)
        case .files: FilesStage(services: services)
        case .sessions: nil
        }
    }
}
