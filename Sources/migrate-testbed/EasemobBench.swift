import Foundation
import MigrationCore

/// `migrate-testbed bench-easemob EXPORT STATEDIR`: the Easemob adapter's conversion of an export
/// (`scripts/easemob-export`), then its problems recorded in the state database and streamed to
/// `problems.jsonl` as `plan` and `run` do — timed, with the peak RSS of the whole.
enum EasemobBench {
    static func run(_ args: [String]) async throws {
        guard args.count >= 2 else { throw TestbedError.usage }
        let export = URL(fileURLWithPath: args[0]).standardizedFileURL.path
        let stateDir = args[1]
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        guard FileManager.default.changeCurrentDirectoryPath(stateDir) else { throw TestbedError.usage }
        let config = try PipelineConfig.parse(
            yaml: """
                name: bench
                source: {format: easemob, path: "\(export)"}
                target: {endpoint: "http://127.0.0.1:1/nimserver", appkey: benchkey, app_secret_env: UNUSED}
                """)
        try FileManager.default.createDirectory(atPath: config.outputDirectory, withIntermediateDirectories: true)
        let clock = ContinuousClock()
        var source: PreparedSource?
        let conversion = try await clock.measure { source = try await PreparedSource.prepare(config) }
        let lines = source?.account.filter { $0.key.hasPrefix("chatmessages/") }.values.reduce(0) { $0 + $1.read } ?? 0
        print(
            "easemob conversion: \(lines) history lines in \(String(format: "%.2f", conversion.seconds)) s = "
                + "\(Int(Double(lines) / conversion.seconds)) lines/s, peak RSS so far \(peakMB()) MB")
        let database = try StateDatabase(path: config.statePath)
        var written = 0
        let reports = try await clock.measure {
            if let log = source?.problemLog {
                try await ProblemLog.forEach(log) { try await database.record(problems: $0) }
            }
            written = try await ProblemsFile.write(
                database: database, stages: StageID.allCases, plan: false,
                to: config.outputDirectory + "/problems.jsonl")
        }
        print(
            "easemob problems: \(written) recorded and streamed to problems.jsonl in "
                + "\(String(format: "%.2f", reports.seconds)) s, peak RSS \(peakMB()) MB")
    }

    static func peakMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
