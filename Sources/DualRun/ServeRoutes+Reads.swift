internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import MigrationCore

/// What serve tells: its health, its metrics, the `/incremental` feed NIM polls, and `/failed`
/// (with `/failed/retry` once the cause is fixed).
extension ServeRoutes {
    /// `/healthz`: queue depths and counts; while the target does not answer, calls wait (nothing is
    /// failed for it), and the status says so.
    static func health(_ request: Request, _ core: ServeCore) async throws -> Response {
        let health = try await core.store.health(now: core.now())
        let down = core.gate.pausedSince.map { Int64($0.timeIntervalSince1970 * 1000) }
        var members: [String: JSONValue] = [
            "status": .string(down == nil ? "ok" : "target-not-answering"), "queued": .int(Int64(health.queued)),
            "oldest_unsent_ms": .int(health.oldestUnsentMs), "sent": .int(Int64(health.sent)),
            "forwarded": .int(Int64(health.forwarded)), "failed": .int(Int64(health.failed + health.eventsFailed)),
            "events_applied": .int(Int64(health.eventsApplied)), "events_queued": .int(Int64(health.eventsQueued)),
        ]
        if let down { members["target_down_since_ms"] = .int(down) }
        return ServeResponse.json(.object(members))
    }

    /// `/metrics`: Prometheus's text format, figures read as `/healthz` reads them.
    static func metrics(_ request: Request, _ core: ServeCore) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = ServeMetrics.contentType
        let text = try await core.metrics.render(now: core.now())
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
    }

    /// `/incremental?since=CURSOR&limit=N` (N at most 1000): the lines after the cursor, in the
    /// plan's format with NIM ids.
    static func incremental(_ request: Request, _ core: ServeCore) async throws -> Response {
        let query = request.uri.queryParameters
        var since: Int64 = 0
        if let text = query["since"], !text.isEmpty {
            guard let value = Int64(text), value >= 0 else {
                return ServeResponse.failure(.badRequest, "since is not a cursor")
            }
            since = value
        }
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else {
                return ServeResponse.failure(.badRequest, "limit must be 1..1000")
            }
            limit = min(value, 1000)
        }
        let page = try await core.store.incremental(since: since, limit: limit)
        return ServeResponse.json(["code": .int(200), "next": .string("\(page.next)")], verbatim: "data", page.lines)
    }

    /// `/failed?since=MESSAGE.EVENT&limit=N`: messages, then events, failed or held. The cursor is
    /// two sequence numbers; a plain number is a message cursor.
    static func failed(_ request: Request, _ core: ServeCore) async throws -> Response {
        let query = request.uri.queryParameters
        let parts = (query["since"] ?? "").split(separator: ".").map { Int64($0) ?? 0 }
        let since = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
        let limit = min(max(query["limit"].flatMap { Int($0) } ?? 100, 1), 1000)
        let messages = try await core.store.failed(since: since.0, limit: limit)
        var events: (entries: [ServeStore.FailedEntry], next: Int64) = ([], since.1)
        if messages.entries.count < limit {
            events = try await core.store.failedEvents(since: since.1, limit: limit - messages.entries.count)
        }
        func entry(_ kind: String) -> (ServeStore.FailedEntry) -> JSONValue {
            { entry in
                .object([
                    "kind": .string(kind), "id": .string(entry.id), "seq": .int(entry.seq),
                    "state": .string(entry.state), "reason": .string(entry.reason),
                ])
            }
        }
        let data = messages.entries.map(entry("message")) + events.entries.map(entry("event"))
        return ServeResponse.json(
            .object(["code": .int(200), "data": .array(data), "next": .string("\(messages.next).\(events.next)")]))
    }

    /// `/failed/retry`: every failed message and event back in the queue.
    static func retryFailed(_ request: Request, _ core: ServeCore) async throws -> Response {
        let count = try await core.store.retryFailed()
        let events = try await core.store.retryFailedEvents(now: core.now())
        core.inbox.ring()
        core.events.ring()
        core.log("serve: \(count) failed message(s) and \(events) failed event(s) back in the queue")
        return ServeResponse.json(
            .object([
                "code": .int(200), "retried": .int(Int64(count + events)), "messages": .int(Int64(count)),
                "events": .int(Int64(events)),
            ]))
    }
}
