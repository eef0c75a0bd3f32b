internal import CoreMetrics
internal import GRDB
internal import MigrationCore
internal import Prometheus
internal import Synchronization

/// `GET /metrics` (SPEC §7): serve's figures in the Prometheus text exposition format, rendered by
/// swift-prometheus from swift-metrics handles.
///
/// One registry per server and no `MetricsSystem.bootstrap`: the handles are made with an explicit
/// factory over this server's own ``registry``. The global bootstrap may happen once per process,
/// and every serve of the process (the tests start several, one after another and at once) would
/// share one registry: each would show — and count into — the others' figures. What a server
/// shows is its own queues, so the registry is its own.
///
/// What lives in `serve.sqlite` (queue depths, oldest unsent age, sent, forwarded, failed — now and
/// how often ever — and held) is read at scrape time, in one read and by the same query as
/// `/healthz`, so the two agree; so are the client's call counts (``CallRecorder/totals()``) and the
/// target's state. Counters made from such totals are raised to them, never lowered (a total read
/// by an older, slower scrape is not shown).
final class ServeMetrics: Sendable {
    /// The text format's content type (version 0.0.4).
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let store: ServeStore
    private let calls: CallRecorder
    private let gate: TargetGate
    private let inboxDepth: Meter
    private let outboxDepth: Meter
    private let eventsDepth: Meter
    private let oldestAge: Meter
    private let failed: Meter
    private let eventsFailed: Meter
    private let held: Meter
    private let eventsHeld: Meter
    private let paused: Meter
    private let totals: Mutex<Totals>

    /// The metric families, `nim_migrate_serve_…` (computed: a descriptor is not Sendable).
    enum Family {
        static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(
                namespace: "nim_migrate", subsystem: "serve", metricName: metric, unitName: unit, helpText: help)
        }

        static var queueDepth: MetricNameDescriptor {
            name(
                "queue_depth", "",
                "Waiting: queue=inbox old messages not yet sent to NIM, queue=outbox NIM CC not yet forwarded, "
                    + "queue=events old events not yet applied")
        }
        static var oldestUnsentAge: MetricNameDescriptor {
            name("oldest_unsent_age", "seconds", "Age of the oldest message waiting in either queue (0 when none)")
        }
        static var sent: MetricNameDescriptor {
            name("messages_sent", "total", "Messages from the old server sent to NIM")
        }
        static var forwarded: MetricNameDescriptor {
            name("cc_forwarded", "total", "NIM CC messages forwarded to the old server")
        }
        static var failed: MetricNameDescriptor {
            name("messages_failed", "", "Messages failed for good, listed by GET /failed (fewer after a retry)")
        }
        static var held: MetricNameDescriptor {
            name(
                "messages_held", "",
                "Messages held: waiting with a reason, or behind such a message of their conversation")
        }
        static var eventsFailed: MetricNameDescriptor {
            name("events_failed", "", "Events that can never apply, listed by GET /failed (fewer after a retry)")
        }
        static var eventsHeld: MetricNameDescriptor {
            name(
                "events_held", "",
                "Events held: waiting with a reason (a dependency), or behind such an event of their scope")
        }
        static var messageFailures: MetricNameDescriptor {
            name("message_failures", "total", "Times a message failed for good (a retried one that fails counts again)")
        }
        static var eventFailures: MetricNameDescriptor {
            name("event_failures", "total", "Times an event failed for good (a retried one that fails counts again)")
        }
        static var eventsApplied: MetricNameDescriptor {
            name("events_applied", "total", "Events from the old server applied to NIM")
        }
        static var restCalls: MetricNameDescriptor {
            name("rest_calls", "total", "REST calls made to NIM (attempts, retries included)")
        }
        static var restThrottled: MetricNameDescriptor {
            name("rest_throttled", "total", "REST calls NIM answered 416 (over its rate)")
        }
        static var targetPaused: MetricNameDescriptor {
            name("target_paused", "", "1 while the target does not answer and calls wait, else 0")
        }
    }

    /// Counters raised to totals read elsewhere, and the value each shows.
    private struct Totals: Sendable {
        var sent: Raised
        var applied: Raised
        var forwarded: Raised
        var messageFailures: Raised
        var eventFailures: Raised
        var calls: [String: Raised] = [:]
        var throttled: [String: Raised] = [:]
    }

    private struct Raised: Sendable {
        let counter: CoreMetrics.Counter
        var value: Int64 = 0

        mutating func raise(to total: Int) {
            let total = Int64(total)
            guard total > value else { return }
            counter.increment(by: total - value)
            value = total
        }
    }

    init(store: ServeStore, calls: CallRecorder, gate: TargetGate) {
        self.store = store
        self.calls = calls
        self.gate = gate
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let factory = PrometheusMetricsFactory(registry: registry)
        self.factory = factory
        func meter(_ family: MetricNameDescriptor, _ labels: [(String, String)] = []) -> Meter {
            Meter(
                label: family.name, dimensions: labels, handler: registry.makeGauge(descriptor: family, labels: labels),
                factory: factory)
        }
        inboxDepth = meter(Family.queueDepth, [("queue", "inbox")])
        outboxDepth = meter(Family.queueDepth, [("queue", "outbox")])
        eventsDepth = meter(Family.queueDepth, [("queue", "events")])
        oldestAge = meter(Family.oldestUnsentAge)
        failed = meter(Family.failed)
        held = meter(Family.held)
        eventsHeld = meter(Family.eventsHeld)
        paused = meter(Family.targetPaused)
        eventsFailed = meter(Family.eventsFailed)
        func raised(_ family: MetricNameDescriptor) -> Raised {
            Raised(counter: Self.counter(family, registry: registry, factory: factory))
        }
        totals = Mutex(
            Totals(
                sent: raised(Family.sent), applied: raised(Family.eventsApplied), forwarded: raised(Family.forwarded),
                messageFailures: raised(Family.messageFailures), eventFailures: raised(Family.eventFailures)))
    }

    private static func counter(
        _ family: MetricNameDescriptor, _ labels: [(String, String)] = [], registry: PrometheusCollectorRegistry,
        factory: PrometheusMetricsFactory
    ) -> CoreMetrics.Counter {
        CoreMetrics.Counter(
            label: family.name, dimensions: labels, handler: registry.makeCounter(descriptor: family, labels: labels),
            factory: factory)
    }

    /// The figures at `now` (ms), read fresh, in the text format.
    func render(now: Int64) async throws -> [UInt8] {
        let (health, heldCount, eventsHeldCount, failures) = try await store.pool.read { db in
            (
                try ServeStore.health(db, now: now), try ServeStore.heldCount(db), try ServeStore.heldEventsCount(db),
                try ServeStore.failureTotals(db)
            )
        }
        let made = calls.totals()
        let pausedNow = gate.pausedSince != nil
        return totals.withLock { totals in
            inboxDepth.set(health.inboxQueued)
            outboxDepth.set(health.outboxQueued)
            eventsDepth.set(health.eventsQueued)
            oldestAge.set(Double(health.oldestUnsentMs) / 1000)
            failed.set(health.failed)
            held.set(heldCount)
            eventsHeld.set(eventsHeldCount)
            paused.set(pausedNow ? 1 : 0)
            eventsFailed.set(health.eventsFailed)
            totals.sent.raise(to: health.sent)
            totals.applied.raise(to: health.eventsApplied)
            totals.forwarded.raise(to: health.forwarded)
            totals.messageFailures.raise(to: failures.messages)
            totals.eventFailures.raise(to: failures.events)
            for (endpoint, stats) in made {
                let labels = [("endpoint", endpoint)]
                totals.calls[endpoint, default: Raised(counter: counter(Family.restCalls, labels))]
                    .raise(to: stats.calls)
                totals.throttled[endpoint, default: Raised(counter: counter(Family.restThrottled, labels))]
                    .raise(to: stats.throttled)
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return buffer
        }
    }

    private func counter(_ family: MetricNameDescriptor, _ labels: [(String, String)]) -> CoreMetrics.Counter {
        Self.counter(family, labels, registry: registry, factory: factory)
    }
}
