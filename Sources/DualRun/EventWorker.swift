internal import Foundation
internal import MigrationCore

/// Old → NIM, the changes: drains the event queue, up to `concurrency` events at once, never two of
/// one scope (each scope keeps its `time` order). Users, friendships, blacklists and teams go
/// through ``OldEventApplier`` (the stages' id maps, the one shared ``NIMClient``); recalls through
/// ``RecallApplier`` (serve's own record of what it sent).
///
/// Exactly once per event id: the claim is committed before any call, the outcome after; an event
/// found in work at start is applied again from its saved progress, and the calls it repeats are
/// ones NIM answers the same way twice (a create that exists is found by its marker, an add of a
/// member already in, a kick of one already out, a recall of a recalled message).
final class EventWorker: Sendable {
    /// The event queue's store, the pace, the dependency wait, the clock and the log.
    let context: WorkerContext
    let applier: OldEventApplier
    let recalls: RecallApplier
    /// Rung when an event arrives, is settled (a waiting message or event may go) or serve stops.
    let bells: (events: Doorbell, inbox: Doorbell)

    init(
        context: WorkerContext, applier: OldEventApplier, recalls: RecallApplier,
        bells: (events: Doorbell, inbox: Doorbell)
    ) {
        self.context = context
        self.applier = applier
        self.recalls = recalls
        self.bells = bells
    }

    private var store: ServeStore { context.store }
    private func now() -> Int64 { context.now() }

    /// Runs until `stop` is requested, then lets the events in work finish.
    func run(stop: StopSignal) async {
        await context.drain(
            "events", bell: bells.events, stop: stop, claim: { try await self.store.claimEvent(now: self.now()) },
            handle: { await self.handle($0) })
    }

    private func handle(_ claim: ServeStore.EventClaim) async {
        let settlement = await process(claim)
        Failpoint.hit("serve.after-event")  // crash tests: NIM has the change, serve has not recorded it
        var failure: String? = nil
        if case .failed(let failed) = settlement {
            failure = "event \(claim.event.id) (\(claim.event.type)) not applied: \(failed.reason)"
        }
        await context.settle("event \(claim.event.id)", failure: failure) {
            try await store.settle(event: claim.seq, settlement, now: now())
        }
        if case .applied = settlement {
            bells.inbox.ring()
            bells.events.ring()
        }
    }

    /// One event, from its stored body to its outcome.
    func process(_ claim: ServeStore.EventClaim) async -> ServeStore.EventSettlement {
        guard case .object(let event)? = try? JSONValue.parse(Data(claim.event.body.utf8)) else {
            return .failed(.local("stored event is not a JSON object"))
        }
        // A group's or a pair's change goes after the messages of its conversation made before it
        // (the old server's time); not a group's creation, which its messages wait for (a skewed
        // clock must not make both wait).
        // (A read that cannot answer holds the event: never applied out of order.)
        if claim.event.kind != .groupCreated {
            do {
                if try await store.messagePending(scope: claim.event.scope, before: claim.event.time) {
                    return .retry(
                        at: now() + ServeRetry.orderRecheckMs,
                        .local("waits for an earlier message of its conversation", retryable: true),
                        waiting: false, attempted: false)
                }
            } catch {
                return .retry(at: later(claim), .local("cannot read serve's inbox", error), waiting: false)
            }
        }
        let dependency = context.dependency
        let lastChance = dependency.isOver(receivedAt: claim.receivedAt, now: now())
        let outcome: OldEventApplier.Outcome
        if claim.event.kind == .messageRecalled {
            outcome = await recalls.apply(claim)
        } else {
            let store = store
            outcome = await applier.apply(
                event, origin: .init(file: "serve:/old/events", line: Int(claim.seq)), lastChance: lastChance,
                retried: claim.attempts > 1, progress: claim.progress,
                save: { try await store.saveProgress(event: claim.seq, $0) })
        }
        switch outcome {
        case .applied(let result): return .applied(result)
        case .failed(let failure): return .failed(failure)
        case .retry(let failure): return .retry(at: later(claim), failure, waiting: false)
        case .waiting(let failure):
            // What is missing: NIM's answer, or the applier's own words.
            let missing = failure.kind == .nim ? "NIM: \(failure.description)" : failure.reason
            switch dependency.verdict(missing, receivedAt: claim.receivedAt, over: lastChance, now: now()) {
            case .giveUp(let failure): return .failed(failure)
            case .recheck(let at, let failure): return .retry(at: at, failure, waiting: true)
            }
        }
    }

    /// When to look at an event again after a failure for now (``ServeRetry/event``).
    private func later(_ claim: ServeStore.EventClaim) -> Int64 {
        ServeRetry.at(now(), after: claim.attempts, ServeRetry.event)
    }
}
