internal import Foundation
internal import MigrationCore
internal import Synchronization

/// Old → NIM: drains the inbox. Each claimed message is mapped exactly as the history stage maps
/// it (ids from the pipeline's state database), its attachment re-hosted when the files stage did
/// not already, looked up in NIM's history when an earlier attempt is uncertain, and sent with
/// `msg/sendMsg.action` through the one shared ``NIMClient``. Up to `concurrency` messages are in
/// work at once, never two of one conversation (each conversation keeps its receipt order).
///
/// Exactly once per source key: the claim is committed before the call, the outcome after it; a
/// claim found open at start is uncertain and reconciled (``SendReconciler``) before any resend.
final class BridgeSender: Sendable {
    let store: ServeStore
    let state: StateDatabase
    let client: NIMClient
    let rehoster: FileRehoster
    let reconciler: SendReconciler
    let concurrency: Int
    /// The inbox's bell (new messages, a stop) and the outbox's (a settled send may free a CC).
    let bells: (inbox: Doorbell, outbox: Doorbell)
    let now: @Sendable () -> Int64
    let log: @Sendable (String) -> Void
    /// Attempts at a download that keeps failing transiently before the old URL is kept.
    let rehostAttempts = 5

    init(
        store: ServeStore, state: StateDatabase, client: NIMClient, rehoster: FileRehoster, concurrency: Int,
        bells: (inbox: Doorbell, outbox: Doorbell), now: @escaping @Sendable () -> Int64,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.state = state
        self.client = client
        self.rehoster = rehoster
        self.concurrency = max(1, concurrency)
        self.bells = bells
        self.now = now
        self.log = log
        reconciler = SendReconciler(client: client, store: store, now: now)
    }

    /// Runs until `stop` is requested, then lets the messages in work finish.
    func run(stop: StopSignal) async {
        let running = WorkCount()
        await withTaskGroup(of: Void.self) { group in
            while !stop.isRequested {
                if running.value.load(ordering: .acquiring) >= concurrency {
                    _ = await group.next()
                    continue
                }
                let claim: ServeStore.Claim?
                do {
                    claim = try await store.claim(now: now())
                } catch {
                    log("serve: cannot read the inbox: \(error)")
                    await bells.inbox.wait(atMost: .seconds(1))
                    continue
                }
                guard let claim else {
                    // Nothing due: wait for a message, a settled one (its conversation's next may go)
                    // or a stop; a retry scheduled for later comes due within the quarter second.
                    await bells.inbox.wait(atMost: .milliseconds(250))
                    continue
                }
                running.value.add(1, ordering: .acquiring)
                group.addTask {
                    await self.handle(claim)
                    running.value.subtract(1, ordering: .releasing)
                }
            }
        }
    }

    private func handle(_ claim: ServeStore.Claim) async {
        let settlement = await process(claim)
        switch settlement {
        case .failed(let reason, _): log("serve: message \(claim.key) not sent: \(reason)")
        default: break
        }
        do {
            try await store.settle(claim.seq, settlement, now: now())
        } catch {
            // Left in flight: the next start reconciles it.
            log("serve: cannot record the outcome of \(claim.key): \(error)")
        }
        bells.inbox.ring()
        bells.outbox.ring()
    }

    /// One message, from the raw line to its outcome.
    func process(_ claim: ServeStore.Claim) async -> ServeStore.Settlement {
        var mapped: (HistoryMessage, String?)
        switch await map(claim.raw, extra: [:]) {
        case .failure(let failure): return .retry(at: later(claim), reason: failure.reason, uncertain: false)
        case .success(.rejected(let code, let reason)):
            return .failed(reason: "\(code): \(reason)", line: nil)
        case .success(.message(let message, _, let oldURL)): mapped = (message, oldURL)
        }
        if let oldURL = mapped.1 {
            switch await rehost(oldURL, claim) {
            case .retry(let reason): return .retry(at: later(claim), reason: reason, uncertain: false)
            case .keepOldURL(let reason): log("serve: message \(claim.key): \(reason); the old URL is kept")
            case .hosted(let hosted):
                guard case .success(.message(let message, _, _)) = await map(claim.raw, extra: [oldURL: hosted]) else {
                    return .retry(at: later(claim), reason: "mapping changed under the message", uncertain: false)
                }
                mapped.0 = message
            }
        }
        let message = mapped.0
        let line = message.line
        guard let outgoing = OutgoingMessage(message, sourceKey: claim.key) else {
            return .skipped(
                reason: "team notification type \(message.type): not sent, served on /incremental", line: line)
        }
        if let since = claim.uncertainSince {
            switch await reconciler.find(outgoing, since: since) {
            case .found(let msgid): return .sent(msgid: msgid, line: line)
            case .notFound: break
            case .unknown(let reason): return .retry(at: later(claim), reason: reason, uncertain: true)
            }
        }
        do {
            let response = try await client.send(outgoing.request, stage: .history)
            return .sent(msgid: response["data"]?["msgid"]?.int, line: line)
        } catch {
            if error.ambiguous { return .retry(at: later(claim), reason: "\(error)", uncertain: true) }
            if error.retryable { return .retry(at: later(claim), reason: "\(error)", uncertain: false) }
            return .failed(reason: "\(error)", line: line)
        }
    }

    /// Backoff after a failed attempt: 0.5 s doubling, at most 30 s.
    private func later(_ claim: ServeStore.Claim) -> Int64 {
        now() + min(30_000, 500 << min(claim.attempts - 1, 10))
    }

    private func map(_ raw: String, extra: [String: HostedFile]) async -> Result<
        HistoryNormalizer.Outcome, MappingFailure
    > {
        do {
            let outcome = try await state.withHistoryMapping(extraFiles: extra) { mapping in
                Mapped(HistoryNormalizer(mapping: mapping).normalize(Data(raw.utf8)))
            }
            return .success(outcome.outcome)
        } catch {
            return .failure(MappingFailure(reason: "cannot read the pipeline's state database: \(error)"))
        }
    }

    private enum Rehost {
        case hosted(HostedFile)
        case keepOldURL(String)
        case retry(String)
    }

    private func rehost(_ url: String, _ claim: ServeStore.Claim) async -> Rehost {
        if let known = try? await store.hostedFile(url) {
            return .hosted(HostedFile.make(url: known.url, md5: known.md5, size: known.size))
        }
        let line = try? JSONValue.parse(Data(claim.raw.utf8))
        var attach = line?["data"]?["attach"]
        if case .string(let text)? = attach { attach = try? JSONValue.parse(Data(text.utf8)) }
        switch await rehoster.rehost(url, fetch: line?["fetch"], attach: attach) {
        case .success(let hosted):
            do {
                try await store.recordHostedFile(url, newURL: hosted.url, md5: hosted.md5, size: hosted.size)
            } catch {
                return .retry("cannot record the re-hosted file: \(error)")
            }
            return .hosted(hosted)
        case .failure(let failure) where failure.retryable && claim.attempts < rehostAttempts:
            return .retry("attachment \(url): \(failure.desc)")
        case .failure(let failure):
            return .keepOldURL("attachment \(url) could not be re-hosted (\(failure.desc))")
        }
    }
}

/// The pipeline's state database could not be read (retried later).
private struct MappingFailure: Error {
    var reason: String
}

/// A normaliser outcome carried out of a database read (the outcome holds only values).
private struct Mapped: @unchecked Sendable {
    let outcome: HistoryNormalizer.Outcome
    init(_ outcome: HistoryNormalizer.Outcome) { self.outcome = outcome }
}

/// Messages in work, shared by the dispatcher and its tasks.
private final class WorkCount: Sendable {
    let value = Atomic<Int>(0)
}
