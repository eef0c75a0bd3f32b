import Foundation
import MigrationCore

/// `migrate-testbed bench-history EXPORT STATEDIR`: the history stage alone on a generated export
/// (users and groups registered, tids mapped and attachments re-hosted without calls), timed,
/// with the peak RSS.
enum HistoryBench {
    static func run(_ args: [String]) async throws {
        guard args.count >= 2 else { throw TestbedError.usage }
        let export = args[0]
        let stateDir = args[1]
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let config = try PipelineConfig.parse(
            yaml: """
                name: bench
                source: {format: canonical, path: "\(export)"}
                target: {endpoint: "http://127.0.0.1:1/nimserver", appkey: benchkey, app_secret_env: UNUSED}
                stages: [users, groups, files, history]
                """)
        let database = try StateDatabase(path: stateDir + "/bench.sqlite")
        let services = StageServices(config: config, accidMap: AccidMap(), client: nil, outputDirectory: stateDir)
        let context = { (stage: StageID) in
            StageContext(
                stage: stage, database: database, runID: 0, concurrency: 1, stop: StopSignal(), calls: CallRecorder(),
                progress: SilentProgress())
        }
        _ = try await UsersStage(services: services).register(context(.users))
        _ = try await GroupsStage(services: services).register(context(.groups))
        var mappings: [IDMapping] = []
        for (index, item) in try await database.items(stage: .groups, status: .pending).enumerated() {
            mappings.append(
                IDMapping(kind: .team, old: String(item.key.dropFirst("team:".count)), new: String(20_000 + index)))
        }
        try await database.map(mappings)
        // The attachments as the files stage leaves them, re-hosted (uploads are not what is timed here).
        _ = try await FilesStage(services: services).register(context(.files))
        var hosted: [(id: Int64, outcome: ItemOutcome)] = []
        for item in try await database.allItems(stage: .files, status: .pending) {
            let file = HostedFile.make(
                url: "https://nim.example/\(item.id)", md5: String(repeating: "0", count: 32), size: 1000)
            hosted.append((item.id, .done(result: String(decoding: try JSONEncoder().encode(file), as: UTF8.self))))
        }
        try await database.complete(hosted)
        let history = HistoryStage(services: services)
        _ = try await history.register(context(.history))
        let clock = ContinuousClock()
        let cpuBefore = Self.cpuSeconds()
        let elapsed = try await clock.measure { try await history.run(context(.history)) }
        let cpu = Self.cpuSeconds() - cpuBefore
        // Lines from the manifest: reading the outputs here would put them in this process's peak RSS.
        let manifest = try JSONDecoder().decode(
            ManifestLines.self, from: Data(contentsOf: URL(fileURLWithPath: stateDir + "/history/manifest.json")))
        let lines = manifest.files.reduce(0) { $0 + $1.lines }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rate = Double(lines) / elapsed.seconds
        print(
            "history: \(lines) messages in \(String(format: "%.2f", elapsed.seconds)) s = \(Int(rate)) messages/s "
                + "(\(String(format: "%.2f", cpu)) s of CPU), peak RSS \(usage.ru_maxrss / 1024) MB")
    }

    /// User and system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// The part of `manifest.json` the benchmark reads.
private struct ManifestLines: Decodable {
    struct File: Decodable { var lines: Int }
    var files: [File]
}
