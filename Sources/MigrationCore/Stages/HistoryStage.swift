internal import Foundation

/// Stage 5: NIM's history import files. Streams every file of `messages/` once, in name order,
/// through ``HistoryNormalizer``; writes p2p and team lines to separate files in
/// `state/NAME/history/` and a `manifest.json`.
///
/// Resumable mid-file: the pass works in chunks; each chunk's duplicate keys, problems and the
/// cursor (input file, byte offset, line, output sizes) commit in one transaction after its lines
/// were appended to the outputs. A resumed pass truncates the outputs to the committed sizes and
/// goes on from the committed offset, so its output is byte-identical to an uninterrupted run.
/// Duplicates of (msgid, from, to/tid, createTime): an identical line is dropped and reported as a
/// warning naming the first; a different line with the same key is rejected naming both.
public struct HistoryStage: Stage {
    public let id = StageID.history
    let services: StageServices
    /// Lines per committed chunk (`NIM_MIGRATE_HISTORY_CHUNK` overrides it for crash tests).
    static let chunkLines = Failpoint.setting("NIM_MIGRATE_HISTORY_CHUNK", 20_000)

    /// The committed position of the pass.
    struct Cursor: Codable, Equatable {
        var file: String?
        var offset: UInt64 = 0
        var line = 0
        var output = HistoryOutput.State()
    }

    public init(services: StageServices) {
        self.services = services
    }

    /// The message files of the export, in name order.
    func messageFiles() -> [String] { services.export.messageFiles() }

    /// The most messages `files` can hold: no valid line is shorter than 64 bytes.
    func expectedKeys(_ files: [String]) -> Int {
        files.reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: services.export.path(file))[.size]) as? Int
            return total + (size ?? 0) / 64
        }
    }

    public func register(_ context: StageContext) async throws -> StagePlan {
        let files = messageFiles()
        let fingerprint = services.export.fingerprint(files + [UsersStage.file, GroupsStage.file])
        try await context.registerOnce(fingerprint: fingerprint) { emit in
            try await emit(files.map { NewWorkItem(key: $0, kind: "message-file", sourceFile: $0) })
        }
        var outputs: [String: Int] = [:]
        if context.dryRun {
            try await context.database.clearPlanHistoryKeys()
            let counter = try HistoryOutput(directory: nil, state: HistoryOutput.State())
            let state = PassState(
                output: counter, cache: try await Self.referenceCache(context.database),
                keys: HistoryKeyStore(expectedKeys: expectedKeys(files)))
            let items = try await context.database.itemIDs(stage: id)
            for file in files {
                var cursor = Cursor(file: file)
                try pass(file, item: items[file] ?? 0, from: &cursor, context: context, state: state)
            }
            for (name, lines) in counter.linesPerFile { outputs["\(name) lines"] = lines }
        }
        let counts = try await context.database.counts()[id] ?? StageCounts()
        return StagePlan(items: counts.total, calls: [:], outputs: outputs)
    }

    /// The pass's cache, with the plain accounts read in one scan (``UserLookup/plainLimit`` at most).
    static func referenceCache(_ database: StateDatabase) async throws -> ReferenceCache {
        ReferenceCache(preloaded: try await database.plainUserHashes(limit: UserLookup.plainLimit))
    }

    public func run(_ context: StageContext) async throws {
        let outputDirectory = services.outputDirectory + "/history"
        var cursor =
            try await context.database.checkpoint(id, "cursor").flatMap {
                try? JSONDecoder().decode(Cursor.self, from: Data($0.utf8))
            } ?? Cursor()
        let output = try HistoryOutput(directory: outputDirectory, state: cursor.output)
        let state = PassState(
            output: output, cache: try await Self.referenceCache(context.database),
            keys: HistoryKeyStore(expectedKeys: expectedKeys(messageFiles())))
        var after: Int64 = 0
        while !context.stop.isRequested {
            let items =
                try await context.database.items(stage: id, status: .pending, after: after, limit: 100)
                + context.database.items(stage: id, status: .inFlight, after: after, limit: 100)
            guard let item = items.sorted(by: { $0.id < $1.id }).first else { break }
            after = item.id
            if cursor.file != item.key {
                cursor.file = item.key
                cursor.offset = 0
                cursor.line = 0
            }
            let finished = try pass(item.key, item: item.id, from: &cursor, context: context, state: state)
            guard finished else { break }
            try await context.database.complete([(item.id, .done())])
            await context.progress.itemsFinished(id, done: 1, failed: 0, skipped: 0)
        }
        if !context.stop.isRequested, (try await context.database.counts()[id]?.remaining ?? 0) == 0 {
            try HistoryManifest.write(
                directory: outputDirectory, appKey: services.config.target.appKey,
                roaming: services.config.history.roaming, output: output.state)
        }
    }
}
