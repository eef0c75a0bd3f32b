/// What the stages of one pipeline share: the export, the accid renames, the client (absent in a
/// dry run, which must not call the target) and the output folder.
public struct StageServices: Sendable {
    public let config: PipelineConfig
    public let export: ExportFolder
    public let accidMap: AccidMap
    public let client: NIMClient?
    public let outputDirectory: String

    public init(
        config: PipelineConfig, accidMap: AccidMap, client: NIMClient?, outputDirectory: String,
        export: ExportFolder? = nil
    ) {
        self.config = config
        self.export = export ?? ExportFolder(root: config.source.path)
        self.accidMap = accidMap
        self.client = client
        self.outputDirectory = outputDirectory
    }

    /// The download/dedup/upload of source files for `stage`'s run (its stale content claims of a
    /// dead run released first); shut its fetcher down when done.
    func fileHosting(_ stage: StageID, _ context: StageContext) async throws -> FileHosting {
        let client = try requireClient(stage)
        try await context.database.releaseContentClaims()
        return FileHosting(
            client: client, fetcher: FileFetcher(root: export.attachmentRoot, policy: config.files.policy),
            database: context.database, stage: stage)
    }

    /// The client, or an error when a dry run reached a stage's work (a bug, never a call).
    func requireClient(_ stage: StageID) throws -> NIMClient {
        guard let client else { throw StageFailure(stage: stage, .noClient) }
        return client
    }
}

/// A stage that cannot go on at all (as opposed to one item failing, which is recorded).
public struct StageFailure: Error, CustomStringConvertible, Equatable {
    /// Why, as a value a caller can match.
    public enum Reason: Sendable, Equatable {
        /// A dry run reached a stage's work (a bug: no call is made without a client).
        case noClient
        /// An output file could not be created or written (`errno`'s text when there is one).
        case cannotWrite(path: String, cause: String?)
    }

    public var stage: StageID
    public var reason: Reason

    public init(stage: StageID, _ reason: Reason) {
        self.stage = stage
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .noClient: "stage \(stage): no NIM client: a dry run must not do work"
        case .cannotWrite(let path, let cause): "stage \(stage): cannot write \(path)" + (cause.map { ": \($0)" } ?? "")
        }
    }
}

extension ItemOutcome {
    /// The outcome of an item whose NIM call failed.
    init(_ error: CallFailure) {
        if let halt = error.halt {
            self = .postponed(reason: halt.description)
            return
        }
        self = .failed(error)
    }
}
