internal import Foundation
internal import Hummingbird
internal import MigrationCore

/// `/old/messages` and `/old/events`: what the old server posts. Each request is stored in one
/// transaction, or not at all.
extension ServeRoutes {
    /// `/old/messages`: a message object or an array of them. A message that is refused refuses the
    /// request; one that is not for NIM (``SourceMessage/Rejection/ignorable``) is counted and dropped.
    static func receiveMessages(_ request: Request, _ core: ServeCore) async throws -> Response {
        let elements: [JSONValue]
        switch try await batch(request, of: "a message") {
        case .success(let batch): elements = batch
        case .failure(let refusal): return refusal.response
        }
        var messages: [SourceMessage] = []
        var ignored = 0
        for (index, element) in elements.enumerated() {
            switch SourceMessage.read(element) {
            case .failure(let rejection) where rejection.ignorable: ignored += 1
            case .failure(let rejection):
                return ServeResponse.failure(
                    .badRequest, "message \(index + 1): \(rejection.code): \(rejection.reason)")
            case .success(let message): messages.append(message)
            }
        }
        let receipt = try await core.store.receive(messages, cutoff: core.settings.cutoff, now: core.now())
        core.inbox.ring()
        return ServeResponse.json(
            .object([
                "code": .int(200), "received": .int(Int64(elements.count)), "stored": .int(Int64(receipt.stored)),
                "duplicates": .int(Int64(receipt.duplicates)), "before_cutoff": .int(Int64(receipt.beforeCutoff)),
                "ignored": .int(Int64(ignored)),
            ]))
    }

    /// `/old/events`: an event object or an array of them. An element without an id (or not an
    /// object) refuses the request; an event that can never apply is stored and listed as failed.
    static func receiveEvents(_ request: Request, _ core: ServeCore) async throws -> Response {
        let elements: [JSONValue]
        switch try await batch(request, of: "an event") {
        case .success(let batch): elements = batch
        case .failure(let refusal): return refusal.response
        }
        var events: [(OldEvent, problem: String?)] = []
        var ignored = 0
        for (index, element) in elements.enumerated() {
            switch OldEvent.read(element) {
            case .failure(let rejection) where rejection.ignorable: ignored += 1
            case .failure(let rejection):
                return ServeResponse.failure(.badRequest, "event \(index + 1): \(rejection.reason)")
            case .success(let read): events += read
            }
        }
        let receipt = try await core.store.receive(events: events, now: core.now())
        core.events.ring()
        return ServeResponse.json(
            .object([
                "code": .int(200), "received": .int(Int64(elements.count)), "stored": .int(Int64(receipt.stored)),
                "duplicates": .int(Int64(receipt.duplicates)), "ignored": .int(Int64(ignored)),
            ]))
    }

    /// A body that is not a batch: answered 400.
    struct BatchRefusal: Error {
        var desc: String
        var response: Response { ServeResponse.failure(.badRequest, desc) }
    }

    /// The elements of a batch body: one object, or an array of them (at most ``maxBatchBytes``);
    /// `what` names an element ("a message").
    private static func batch(_ request: Request, of what: String) async throws -> Result<[JSONValue], BatchRefusal> {
        let body = try await request.body.collect(upTo: maxBatchBytes)
        guard let parsed = try? JSONValue.parse(Data(body.readableBytesView)) else {
            return .failure(BatchRefusal(desc: "body is not JSON"))
        }
        switch parsed {
        case .array(let array): return .success(array)
        case .object: return .success([parsed])
        default: return .failure(BatchRefusal(desc: "body must be \(what) object or an array of them"))
        }
    }
}
