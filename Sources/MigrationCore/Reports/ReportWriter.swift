internal import Foundation

/// Writes `report.md`, `report.json`, `report.html`, `failed.jsonl` and `problems.jsonl` of a run into
/// `state/NAME/`.
public enum ReportWriter {
    /// Writes the five files and returns the report.
    @discardableResult
    public static func write(
        session: PipelineSession, stages: [StageID], status: ExitStatus, runID: Int64?,
        planned: [StageID: StagePlan] = [:]
    ) async throws -> RunReport {
        let report = try await RunReport.build(
            database: session.database, pipeline: session.config.name, stages: stages, status: status, runID: runID,
            planned: planned, rate: session.config.throttle.rate)
        try Data(report.markdown().utf8).write(to: URL(fileURLWithPath: session.output("report.md")), options: .atomic)
        try JSONFile.write(report, to: session.output("report.json"))
        try Data(report.html().utf8).write(
            to: URL(fileURLWithPath: session.output("report.html")), options: .atomic)
        try await FailedItemsWriter.write(
            database: session.database, stages: stages, to: session.output("failed.jsonl"))
        try await ProblemsFile.write(
            database: session.database, stages: stages, plan: false, to: session.output("problems.jsonl"))
        return report
    }
}

/// Pretty, stable JSON files.
public enum JSONFile {
    /// Encodes `value` with sorted keys and writes it atomically.
    public static func write(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
