internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import MigrationCore

/// The HTTP interface of `serve` (SPEC §7). Every route but `/healthz`, `/metrics` and `/nim/cc`
/// wants the bearer token (401 otherwise); `/nim/cc` is authenticated by NIM's signature (403
/// otherwise).
enum ServeRoutes {
    /// Largest request body accepted on `/old/messages` (a batch) and `/nim/cc` (one message).
    static let maxBatchBytes = 32 << 20
    static let maxCCBytes = 4 << 20

    static func router(_ core: ServeCore) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/healthz") { _, _ in
            let health = try await core.store.health(now: core.now())
            // While the target does not answer, calls wait (nothing is failed for it): say so.
            let down = await core.gate.pausedSince.map { Int64($0.timeIntervalSince1970 * 1000) }
            let status = down == nil ? "ok" : "target-not-answering"
            return json(
                "{\"status\":\"\(status)\",\"queued\":\(health.queued),\"oldest_unsent_ms\":\(health.oldestUnsentMs),"
                    + "\"sent\":\(health.sent),\"forwarded\":\(health.forwarded),\"failed\":\(health.failed + health.eventsFailed),"
                    + "\"events_applied\":\(health.eventsApplied),\"events_queued\":\(health.eventsQueued)"
                    + (down.map { ",\"target_down_since_ms\":\($0)" } ?? "") + "}")
        }
        // Prometheus's text format, no token (like /healthz): figures read as /healthz reads them.
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = ServeMetrics.contentType
            let text = try await core.metrics.render(now: core.now())
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.post("/old/messages") { request, _ in
            guard core.settings.token.accepts(authorization: request.headers[.authorization]) else {
                return failure(.unauthorized, "missing or wrong bearer token")
            }
            let body = try await request.body.collect(upTo: maxBatchBytes)
            return try await receive(Data(body.readableBytesView), core)
        }
        router.post("/old/events") { request, _ in
            guard core.settings.token.accepts(authorization: request.headers[.authorization]) else {
                return failure(.unauthorized, "missing or wrong bearer token")
            }
            let body = try await request.body.collect(upTo: maxBatchBytes)
            return try await receiveEvents(Data(body.readableBytesView), core)
        }
        router.get("/incremental") { request, _ in
            guard core.settings.token.accepts(authorization: request.headers[.authorization]) else {
                return failure(.unauthorized, "missing or wrong bearer token")
            }
            let query = request.uri.queryParameters
            var since: Int64 = 0
            if let text = query["since"], !text.isEmpty {
                guard let value = Int64(text), value >= 0 else { return failure(.badRequest, "since is not a cursor") }
                since = value
            }
            var limit = 100
            if let text = query["limit"] {
                guard let value = Int(text), value > 0 else { return failure(.badRequest, "limit must be 1..1000") }
                limit = min(value, 1000)
            }
            let page = try await core.store.incremental(since: since, limit: limit)
            return json("{\"code\":200,\"data\":[\(page.lines.joined(separator: ","))],\"next\":\"\(page.next)\"}")
        }
        router.get("/failed") { request, _ in
            guard core.settings.token.accepts(authorization: request.headers[.authorization]) else {
                return failure(.unauthorized, "missing or wrong bearer token")
            }
            let query = request.uri.queryParameters
            // The cursor is `MESSAGE.EVENT` (two sequence numbers); a plain number is a message cursor.
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
            let next = "\(messages.next).\(events.next)"
            return json(JSONValue.object(["code": .int(200), "data": .array(data), "next": .string(next)]).text)
        }
        router.post("/failed/retry") { request, _ in
            guard core.settings.token.accepts(authorization: request.headers[.authorization]) else {
                return failure(.unauthorized, "missing or wrong bearer token")
            }
            let count = try await core.store.retryFailed()
            let events = try await core.store.retryFailedEvents(now: core.now())
            core.inbox.ring()
            core.events.ring()
            core.log("serve: \(count) failed message(s) and \(events) failed event(s) back in the queue")
            return json(
                JSONValue.object([
                    "code": .int(200), "retried": .int(Int64(count + events)), "messages": .int(Int64(count)),
                    "events": .int(Int64(events)),
                ]).text)
        }
        router.post("/nim/cc") { request, _ in
            let body = Data(try await request.body.collect(upTo: maxCCBytes).readableBytesView)
            return try await cc(body, headers: request.headers, core)
        }
        return router
    }

    /// `/old/messages`: all messages of the request are stored in one transaction, or none.
    static func receive(_ body: Data, _ core: ServeCore) async throws -> Response {
        guard let parsed = try? JSONValue.parse(body) else { return failure(.badRequest, "body is not JSON") }
        let elements: [JSONValue]
        switch parsed {
        case .array(let array): elements = array
        case .object: elements = [parsed]
        default: return failure(.badRequest, "body must be a message object or an array of them")
        }
        var messages: [SourceMessage] = []
        var ignored = 0
        for (index, element) in elements.enumerated() {
            switch SourceMessage.read(element) {
            case .failure(let rejection) where rejection.ignorable: ignored += 1
            case .failure(let rejection):
                return failure(.badRequest, "message \(index + 1): \(rejection.code): \(rejection.reason)")
            case .success(let message): messages.append(message)
            }
        }
        let receipt = try await core.store.receive(messages, cutoff: core.settings.cutoff, now: core.now())
        core.inbox.ring()
        return json(
            "{\"code\":200,\"received\":\(elements.count),\"stored\":\(receipt.stored),"
                + "\"duplicates\":\(receipt.duplicates),\"before_cutoff\":\(receipt.beforeCutoff),"
                + "\"ignored\":\(ignored)}")
    }

    /// `/old/events`: all events of the request are stored in one transaction, or none. An element
    /// without an id (or not an object) refuses the request; an event that can never apply is
    /// stored and listed as failed.
    static func receiveEvents(_ body: Data, _ core: ServeCore) async throws -> Response {
        guard let parsed = try? JSONValue.parse(body) else { return failure(.badRequest, "body is not JSON") }
        let elements: [JSONValue]
        switch parsed {
        case .array(let array): elements = array
        case .object: elements = [parsed]
        default: return failure(.badRequest, "body must be an event object or an array of them")
        }
        var events: [(OldEvent, problem: String?)] = []
        var ignored = 0
        for (index, element) in elements.enumerated() {
            switch OldEvent.read(element) {
            case .failure(let rejection) where rejection.ignorable: ignored += 1
            case .failure(let rejection): return failure(.badRequest, "event \(index + 1): \(rejection.reason)")
            case .success(let read): events += read
            }
        }
        let receipt = try await core.store.receive(events: events, now: core.now())
        core.events.ring()
        return json(
            "{\"code\":200,\"received\":\(elements.count),\"stored\":\(receipt.stored),"
                + "\"duplicates\":\(receipt.duplicates),\"ignored\":\(ignored)}")
    }

    /// `/nim/cc`: verified, then stored once per `msgidServer` (bodies without one — the console's
    /// `{}` probe, login events — are acknowledged and dropped).
    static func cc(_ body: Data, headers: HTTPFields, _ core: ServeCore) async throws -> Response {
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        let verdict = core.verifier.verify(
            body: body, md5: header("MD5"), curTime: header("CurTime"), checkSum: header("CheckSum"))
        if case .failure(let refusal) = verdict {
            core.log("serve: CC refused: \(refusal)")
            return failure(.forbidden, refusal.description)
        }
        guard let parsed = try? JSONValue.parse(body), case .object = parsed else {
            return failure(.badRequest, "body is not a JSON object")
        }
        let fromREST = parsed["fromClientType"]?.string?.uppercased() == "REST"
        // A recall (eventType 7 p2p, 8 team, 25 super team) carries the recalled message's `msgId`
        // and no `msgidServer`: kept once per recalled message.
        let key: String
        if ["7", "8", "25"].contains(parsed["eventType"]?.string ?? ""), let recalled = parsed["msgId"]?.string,
            !recalled.isEmpty
        {
            key = CCForwarder.recallPrefix + recalled
        } else if let msgid = parsed["msgidServer"]?.string, !msgid.isEmpty {
            key = msgid
        } else {
            return json("{\"code\":200}")
        }
        _ = try await core.store.receiveCC(msgidServer: key, body: body, fromREST: fromREST, now: core.now())
        core.outbox.ring()
        return json("{\"code\":200}")
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func failure(_ status: HTTPResponse.Status, _ desc: String) -> Response {
        json(JSONValue.object(["code": .int(Int64(status.code)), "desc": .string(desc)]).text, status: status)
    }
}
