internal import Foundation

/// A pipeline opened for work: its configuration, its state database (locked for this process)
/// and its output folder. Nothing is created on disk until the configuration and the source
/// have been checked, so a bad pipeline file leaves no state behind.
public struct PipelineSession: Sendable {
    public let config: PipelineConfig
    public let database: StateDatabase
    public let lock: StateLock?
    /// `state/NAME/`, created.
    public let outputDirectory: String

    /// Loads the pipeline file and checks the source, then opens the state. `locking` is false for
    /// read-only commands (`status`, `ids`) that may run beside a run.
    public static func open(pipelinePath: String, locking: Bool) throws -> PipelineSession {
        let config = try PipelineConfig.load(path: pipelinePath)
        try checkSource(config)
        let fm = FileManager.default
        try fm.createDirectory(atPath: config.outputDirectory, withIntermediateDirectories: true)
        let lock = locking ? try StateLock(path: "state/\(config.name).lock") : nil
        let database = try StateDatabase(path: config.statePath)
        return PipelineSession(config: config, database: database, lock: lock, outputDirectory: config.outputDirectory)
    }

    /// Opens an existing state for reading; a pipeline that never ran is an error.
    public static func openExisting(pipelinePath: String) throws -> PipelineSession {
        let config = try PipelineConfig.load(path: pipelinePath)
        guard FileManager.default.fileExists(atPath: config.statePath) else {
            throw ConfigError(
                path: "", "pipeline '\(config.name)' has no state yet (\(config.statePath)); run it first")
        }
        let database = try StateDatabase(path: config.statePath)
        return PipelineSession(config: config, database: database, lock: nil, outputDirectory: config.outputDirectory)
    }

    /// The export folder must exist and be a folder.
    static func checkSource(_ config: PipelineConfig) throws(ConfigError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: config.source.path, isDirectory: &isDirectory) else {
            throw ConfigError(path: "source.path", "no such folder: \(config.source.path)")
        }
        guard isDirectory.boolValue else {
            throw ConfigError(path: "source.path", "not a folder: \(config.source.path)")
        }
        if let map = config.users.accidMap, !FileManager.default.isReadableFile(atPath: map) {
            throw ConfigError(path: "users.accid_map", "cannot read \(map)")
        }
    }

    /// The source as the stages read it (an Easemob export converted first, under the lock); the
    /// adapter's findings are recorded with the stages' problems, once per conversion (kept as a
    /// checkpoint of the first stage: a large export can have a million of them).
    public func prepareSource() async throws -> PreparedSource {
        let source = try await PreparedSource.prepare(config)
        guard let stamp = source.stamp else { return source }
        if try await database.checkpoint(.users, "source-problems") != stamp {
            if let log = source.problemLog {
                try await ProblemLog.forEach(log) { try await database.record(problems: $0) }
            }
            var book = AccountBook()
            for (file, account) in source.account { book.set(file, account) }
            try await database.setAccounts(layer: AccountBook.sourceLayer, book)
            try await database.setCheckpoint(.users, "source-problems", stamp)
        }
        return source
    }

    /// What `run` and `plan` both start from: the source as the stages read it and the stages of
    /// the pipeline, with the operator's accid renames (`client` nil: a dry run, nothing is sent).
    public func prepareStages(client: NIMClient?) async throws -> (source: PreparedSource, stages: [any Stage]) {
        let accidMap =
            try config.users.accidMap.map { path throws(ConfigError) in try AccidMap(path: path) } ?? AccidMap()
        let source = try await prepareSource()
        let services = StageServices(
            config: config, accidMap: accidMap, client: client, outputDirectory: config.outputDirectory,
            export: source.export)
        return (source, StageCatalog(services: services).stages())
    }

    /// Path of a file in the output folder.
    public func output(_ name: String) -> String { "\(outputDirectory)/\(name)" }
}
