/// Receives progress of a run; the CLI shows it as bars on a terminal or as periodic log lines.
public protocol ProgressSink: Sendable {
    /// A stage started with `counts` items already known.
    func stageStarted(_ stage: StageID, counts: StageCounts) async
    /// Items of the stage finished (`done`, `failed` or `skipped`).
    func itemsFinished(_ stage: StageID, done: Int, failed: Int, skipped: Int) async
    /// A stage ended.
    func stageEnded(_ stage: StageID, counts: StageCounts) async
    /// A one-line message for the operator.
    func note(_ message: String) async
}

/// A progress sink that shows nothing (tests, `--quiet`).
public struct SilentProgress: ProgressSink {
    public init() {}
    public func stageStarted(_ stage: StageID, counts: StageCounts) async {}
    public func itemsFinished(_ stage: StageID, done: Int, failed: Int, skipped: Int) async {}
    public func stageEnded(_ stage: StageID, counts: StageCounts) async {}
    public func note(_ message: String) async {}
}
