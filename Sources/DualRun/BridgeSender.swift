internal import Foundation
internal import MigrationCore

/// Old → NIM: drains the inbox. Each claimed message is mapped exactly as the history stage maps
/// it (ids from the pipeline's state database), its attachment re-hosted (``FileHosting``: once,
/// whoever hosted it first), looked up in NIM's history when an earlier attempt is uncertain, and sent with
/// `msg/sendMsg.action` through the one shared ``NIMClient``. Up to `concurrency` messages are in
/// work at once, never two of one conversation (each conversation keeps its receipt order).
///
/// Exactly once per source key: the claim is committed before the call, the outcome after it; a
/// claim found open at start is uncertain and reconciled (``SendReconciler``) before any resend.
final class BridgeSender: Sendable {
    /// The inbox's store, the pace, the dependency wait, the clock and the log.
    let context: WorkerContext
    let state: StateDatabase
    let client: NIMClient
    let hosting: FileHosting
    let reconciler: SendReconciler
    /// The inbox's bell (new messages, a stop) and the outbox's (a settled send may free a CC).
    let bells: (inbox: Doorbell, outbox: Doorbell)
    /// Attempts at a download that keeps failing transiently before the old URL is kept.
    let rehostAttempts = 5

    init(
        context: WorkerContext, state: StateDatabase, client: NIMClient, hosting: FileHosting,
        bells: (inbox: Doorbell, outbox: Doorbell)
    ) {
        self.context = context
        self.state = state
        self.client = client
        self.hosting = hosting
        self.bells = bells
        reconciler = SendReconciler(client: client, store: context.store, now: context.now)
    }

    private var store: ServeStore { context.store }
    private func now() -> Int64 { context.now() }

    /// Runs until `stop` is requested, then lets the messages in work finish.
    func run(stop: StopSignal) async {
        await context.drain(
            "inbox", bell: bells.inbox, stop: stop, claim: { try await self.store.claim(now: self.now()) },
            handle: { await self.handle($0) })
    }

    private func handle(_ claim: ServeStore.Claim) async {
        let settlement = await process(claim)
        var failure: String? = nil
        if case .failed(let failed, _) = settlement {
            failure = "message \(claim.message.key) not sent: \(failed.reason)"
        }
        // Left in flight when it cannot be recorded: the next start reconciles it.
        await context.settle(claim.message.key, failure: failure) {
            try await store.settle(claim.seq, settlement, now: now())
        }
        bells.inbox.ring()
        bells.outbox.ring()
    }

    /// One message, from the raw line to its outcome.
    func process(_ claim: ServeStore.Claim) async -> ServeStore.Settlement {
        // A message goes after the changes its group or pair had before it (the old server's time).
        // Every read below fails closed: a read that cannot answer holds the message, never sends it.
        do {
            if try await store.changePending(conversation: claim.message.conversation, before: claim.message.createTime)
            {
                let of = claim.message.conversation.isTeam ? "its group" : "its two accounts' friendship or block"
                return .retry(
                    at: now() + ServeRetry.orderRecheckMs,
                    .local("waits for an earlier change of \(of)", retryable: true), uncertain: false,
                    waiting: true, attempted: false)
            }
        } catch {
            return .retry(at: later(claim), .local("cannot read serve's event queue", error), uncertain: false)
        }
        var mapped: (HistoryMessage, String?)
        switch await map(claim.message.line, extra: [:]) {
        case .failure(let failure): return .retry(at: later(claim), failure, uncertain: false)
        case .success(.rejected(let code, let reason)) where ["unknown-user", "unknown-team"].contains(code):
            // An account or team made after the snapshot: an event may still create it.
            return wait(claim, "\(code): \(reason)")
        case .success(.rejected(let code, let reason)):
            return .failed(.local("\(code): \(reason)"), line: nil)
        case .success(.message(let message, _, let oldURL)): mapped = (message, oldURL)
        }
        if let oldURL = mapped.1 {
            switch await rehost(oldURL, claim) {
            case .retry(let failure): return .retry(at: later(claim), failure, uncertain: false)
            case .keepOldURL(let failure):
                context.log(
                    "serve: message \(claim.message.key): attachment \(failure.endpoint) could not be re-hosted (\(failure.desc)); "
                        + "the old URL is kept")
            case .hosted(let hosted):
                guard
                    case .success(.message(let message, _, _)) = await map(claim.message.line, extra: [oldURL: hosted])
                else {
                    return .retry(
                        at: later(claim), .local("mapping changed under the message", retryable: true), uncertain: false
                    )
                }
                mapped.0 = message
            }
        }
        let message = mapped.0
        let line = message.line
        guard let outgoing = OutgoingMessage(message, sourceKey: claim.message.key) else {
            return .skipped(
                reason: "team notification type \(message.type): not sent, served on /incremental", line: line)
        }
        do {
            if try await store.isRecalled(claim.message.key) {
                return .skipped(reason: "recalled on the old server before it was sent", line: line)
            }
        } catch {
            return .retry(at: later(claim), .local("cannot tell whether it was recalled", error), uncertain: false)
        }
        if let since = claim.uncertainSince {
            switch await reconciler.find(outgoing, since: since) {
            case .found(let msgid): return .sent(msgid: msgid, line: line)
            case .notFound: break
            case .unknown(let failure): return .retry(at: later(claim), failure, uncertain: true)
            }
        }
        do {
            let response = try await client.send(outgoing.request, stage: .history)
            return .sent(msgid: response["data"]?["msgid"]?.int, timetag: response["data"]?["timetag"]?.int, line: line)
        } catch {
            if error.ambiguous || error.retryable {
                return .retry(at: later(claim), error, uncertain: error.ambiguous)
            }
            return .failed(error, line: line)
        }
    }

    /// A message that needs an account or team not in NIM yet: it waits (``DependencyWait``),
    /// holding the later messages of its conversation.
    private func wait(_ claim: ServeStore.Claim, _ missing: String) -> ServeStore.Settlement {
        let instant = now()
        let dependency = context.dependency
        let over = dependency.isOver(receivedAt: claim.receivedAt, now: instant)
        switch dependency.verdict(missing, receivedAt: claim.receivedAt, over: over, now: instant) {
        case .giveUp(let failure): return .failed(failure, line: nil)
        case .recheck(let at, let failure):
            return .retry(at: at, failure, uncertain: false, waiting: true, attempted: false)
        }
    }

    /// When to try again after a failed attempt (``ServeRetry/delivery``).
    private func later(_ claim: ServeStore.Claim) -> Int64 {
        ServeRetry.at(now(), after: claim.attempts, ServeRetry.delivery)
    }

    private func map(_ raw: String, extra: [String: HostedFile]) async -> Result<
        HistoryNormalizer.Outcome, CallFailure
    > {
        do {
            let outcome = try await state.withHistoryMapping(extraFiles: extra) { mapping in
                Mapped(HistoryNormalizer(mapping: mapping).normalize(Data(raw.utf8)))
            }
            return .success(outcome.outcome)
        } catch {
            return .failure(.local("cannot read the pipeline's state database", error))
        }
    }

    /// What became of a message's attachment.
    private enum Rehost {
        case hosted(HostedFile)
        /// The download keeps failing or is refused: the message is sent with the old URL.
        case keepOldURL(CallFailure)
        /// Try again later.
        case retry(CallFailure)
    }

    private func rehost(_ url: String, _ claim: ServeStore.Claim) async -> Rehost {
        let line = try? JSONValue.parse(Data(claim.message.line.utf8))
        var attach = line?["data"]?["attach"]
        if case .string(let text)? = attach { attach = try? JSONValue.parse(Data(text.utf8)) }
        switch await hosting.rehost(url, fetch: line?["fetch"], attach: attach) {
        case .success(let hosted): return .hosted(hosted)
        case .failure(let failure) where failure.retryable && claim.attempts < rehostAttempts:
            return .retry(.attachment(url, failure))
        case .failure(let failure):
            return .keepOldURL(.attachment(url, failure))
        }
    }
}

/// A normaliser outcome carried out of a database read (the outcome holds only values).
struct Mapped: @unchecked Sendable {
    let outcome: HistoryNormalizer.Outcome
    init(_ outcome: HistoryNormalizer.Outcome) { self.outcome = outcome }
}
