internal import Foundation
public import MigrationCore

/// Serve's part of `nim-migrate status` (SPEC §7 "Nothing fails silently"): the figures of
/// `/healthz` and the first messages and events `/failed` lists, read from `state/NAME/serve.sqlite`
/// (nil when serve never ran for the pipeline). Serve may be running: this only reads.
public struct ServeStatus: Sendable, Codable, Equatable {
    public var queued: Int
    public var sent: Int
    public var forwarded: Int
    public var eventsApplied: Int
    /// Messages and events failed for good.
    public var failed: Int
    /// The first entries `/failed` lists (failed or held), at most `limit`.
    public var entries: [Entry]

    public struct Entry: Sendable, Codable, Equatable {
        public var kind: String
        public var id: String
        public var state: String
        public var reason: String
    }

    /// Reads the pipeline's serve database, if there is one.
    public static func read(pipeline: PipelineConfig, nowMillis: Int64, limit: Int = 20) async throws -> ServeStatus? {
        let path = "\(pipeline.outputDirectory)/serve.sqlite"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let store = try ServeStore(path: path)
        let health = try await store.health(now: nowMillis)
        let messages = try await store.failed(since: 0, limit: limit).entries
        let events = try await store.failedEvents(since: 0, limit: max(0, limit - messages.count)).entries
        func entries(_ kind: String, _ list: [ServeStore.FailedEntry]) -> [Entry] {
            list.map { Entry(kind: kind, id: $0.id, state: $0.state, reason: $0.reason) }
        }
        return ServeStatus(
            queued: health.queued, sent: health.sent, forwarded: health.forwarded, eventsApplied: health.eventsApplied,
            failed: health.failed + health.eventsFailed,
            entries: entries("message", messages) + entries("event", events))
    }

    /// Lines for a terminal.
    public func text() -> String {
        var out =
            "serve: \(queued) queued, \(sent) sent, \(forwarded) forwarded, \(eventsApplied) events applied, "
            + "\(failed) failed\n"
        if !entries.isEmpty { out += "  failed or held (GET /failed lists all; POST /failed/retry once fixed):\n" }
        for entry in entries { out += "  \(entry.state) \(entry.kind) \(entry.id): \(entry.reason)\n" }
        return out
    }
}
