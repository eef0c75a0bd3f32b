internal import AsyncHTTPClient
internal import Foundation
internal import MigrationCore
internal import NIOCore
internal import NIOHTTP1

/// NIM → old: forwards the outbox, oldest first, to `old_server_url` (POST, the CC body as NIM
/// sent it, `Content-Type: application/json`, header `X-NIM-Msgid-Server`), retrying with backoff
/// (``ServeRetry/delivery``: 0.5 s doubling, at most 30 s) until the old server answers 2xx; durable across restarts.
///
/// Echo suppression: a CC whose `msgidServer` is a message this bridge sent is not forwarded. As
/// NIM may copy a message before sendMsg's answer is recorded, a CC sent through the REST API
/// waits until no sendMsg claimed before its receipt is still unanswered, then is checked again.
/// Delivery to the old server is at least once: a kill between its 2xx and the commit repeats
/// that one forward (the header lets the old server drop the repeat).
final class CCForwarder: Sendable {
    /// The outbox key of a recall CC: this prefix and the recalled message's NIM msgid.
    static let recallPrefix = "recall:"
    let store: ServeStore
    let url: String
    /// Rung when a CC arrives, a send is settled, or serve stops.
    let bell: Doorbell
    let now: @Sendable () -> Int64
    let log: @Sendable (String) -> Void
    private let http: HTTPClient

    init(
        store: ServeStore, url: String, bell: Doorbell, now: @escaping @Sendable () -> Int64,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.url = url
        self.bell = bell
        self.now = now
        self.log = log
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the HTTP client.
    func shutdown() async {
        try? await http.shutdown()
    }

    /// Runs until `stop` is requested: one forward at a time, oldest first.
    func run(stop: StopSignal) async {
        await QueueDrain.run(
            concurrency: 1, bell: bell, stop: stop, log: log, what: "outbox",
            claim: { try await self.store.nextForward(now: self.now()) }, handle: { await self.forward($0) })
    }

    private func forward(_ item: ServeStore.Forward) async {
        do {
            if item.msgidServer.hasPrefix(Self.recallPrefix) {
                // A recall this bridge made (its msgid is recorded before the call) is not echoed.
                if let msgid = Int64(item.msgidServer.dropFirst(Self.recallPrefix.count)),
                    try await store.isOwnRecall(msgid)
                {
                    try await store.settle(forward: item.id, .echo, now: now())
                    return
                }
            } else if item.fromREST {
                while try await store.hasOpenClaim(claimedAtOrBefore: item.receivedAt) {
                    await bell.wait(atMost: .milliseconds(250))  // rung when a send is settled
                }
                if let msgid = Int64(item.msgidServer), try await store.isOwnMessage(msgid) {
                    try await store.settle(forward: item.id, .echo, now: now())
                    return
                }
            }
            let status = await post(item)
            if let status, (200..<300).contains(status) {
                try await store.settle(forward: item.id, .forwarded, now: now())
            } else {
                var failure = CallFailure.local(
                    status.map { "old server answered HTTP \($0)" } ?? "old server unreachable", retryable: true)
                failure.code = status ?? 0
                if item.attempts == 0 || item.attempts % 10 == 0 {
                    log("serve: CC \(item.msgidServer): \(failure.reason)")
                }
                try await store.settle(
                    forward: item.id,
                    .retry(at: ServeRetry.at(now(), after: item.attempts + 1, ServeRetry.delivery), failure), now: now()
                )
            }
        } catch {
            log("serve: cannot record the forward of \(item.msgidServer): \(error)")
            await bell.wait(atMost: .seconds(1))
        }
    }

    /// The HTTP status of one POST, or nil when it got no answer.
    private func post(_ item: ServeStore.Forward) async -> Int? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "X-NIM-Msgid-Server", value: item.msgidServer)
        request.body = .bytes(ByteBuffer(bytes: item.body))
        do {
            let response = try await http.execute(request, timeout: .seconds(15))
            _ = try? await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }
}
