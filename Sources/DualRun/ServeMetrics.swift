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
    /// One meter per ``gauges`` series, in its order.
    private let meters: [Meter]
    private let totals: Mutex<Totals>

    /// What one scrape reads: the store's figures (one read) and the target's state.
    struct Scrape: Sendable {
        let health: ServeStore.Health
        let held: Int
        let eventsHeld: Int
        let failures: (messages: Int, events: Int)
        let paused: Bool
    }

    /// One series, `nim_migrate_serve_…`: its family, its labels and its value in a scrape.
    struct Series<Value: Sendable>: Sendable {
        let metric: String
        let unit: String
        let help: String
        var labels: [(String, String)] = []
        let value: @Sendable (Scrape) -> Value

        /// The family (computed: a descriptor is not Sendable).
        var family: MetricNameDescriptor { ServeMetrics.family(metric, unit, help) }
    }

    /// A metric family, `nim_migrate_serve_…`.
    static func family(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "nim_migrate", subsystem: "serve", metricName: metric, unitName: unit, helpText: help)
    }

    private static let queueDepthHelp =
        "Waiting: queue=inbox old messages not yet sent to NIM, queue=outbox NIM CC not yet forwarded, "
        + "queue=events old events not yet applied"

    /// The gauges, set to what each scrape reads.
    static let gauges: [Series<Double>] = [
        Series(metric: "queue_depth", unit: "", help: queueDepthHelp, labels: [("queue", "inbox")]) {
            Double($0.health.inboxQueued)
        },
        Series(metric: "queue_depth", unit: "", help: queueDepthHelp, labels: [("queue", "outbox")]) {
            Double($0.health.outboxQueued)
        },
        Series(metric: "queue_depth", unit: "", help: queueDepthHelp, labels: [("queue", "events")]) {
            Double($0.health.eventsQueued)
        },
        Series(
            metric: "oldest_unsent_age", unit: "seconds",
            help: "Age of the oldest message waiting in either queue (0 when none)"
        ) { Double($0.health.oldestUnsentMs) / 1000 },
        Series(
            metric: "messages_failed", unit: "",
            help: "Messages failed for good, listed by GET /failed (fewer after a retry)"
        ) { Double($0.health.failed) },
        Series(
            metric: "messages_held", unit: "",
            help: "Messages held: waiting with a reason, or behind such a message of their conversation"
        ) { Double($0.held) },
        Series(
            metric: "events_failed", unit: "",
            help: "Events that can never apply, listed by GET /failed (fewer after a retry)"
        ) { Double($0.health.eventsFailed) },
        Series(
            metric: "events_held", unit: "",
            help: "Events held: waiting with a reason (a dependency), or behind such an event of their scope"
        ) { Double($0.eventsHeld) },
        Series(
            metric: "target_paused", unit: "", help: "1 while the target does not answer and calls wait, else 0"
        ) { $0.paused ? 1 : 0 },
    ]

    /// The counters, raised to the totals each scrape reads.
    static let counters: [Series<Int>] = [
        Series(metric: "messages_sent", unit: "total", help: "Messages from the old server sent to NIM") {
            $0.health.sent
        },
        Series(metric: "events_applied", unit: "total", help: "Events from the old server applied to NIM") {
            $0.health.eventsApplied
        },
        Series(metric: "cc_forwarded", unit: "total", help: "NIM CC messages forwarded to the old server") {
            $0.health.forwarded
        },
        Series(
            metric: "message_failures", unit: "total",
            help: "Times a message failed for good (a retried one that fails counts again)"
        ) { $0.failures.messages },
        Series(
            metric: "event_failures", unit: "total",
            help: "Times an event failed for good (a retried one that fails counts again)"
        ) { $0.failures.events },
    ]

    /// The per-endpoint families of the client's calls (computed: a descriptor is not Sendable).
    enum Family {
        static var restCalls: MetricNameDescriptor {
            family("rest_calls", "total", "REST calls made to NIM (attempts, retries included)")
        }
        static var restThrottled: MetricNameDescriptor {
            family("rest_throttled", "total", "REST calls NIM answered 416 (over its rate)")
        }
    }

    /// Counters raised to totals read elsewhere, and the value each shows.
    private struct Totals: Sendable {
        /// One per ``counters`` series, in its order.
        var counters: [Raised]
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
        meters = Self.gauges.map { series in
            Meter(
                label: series.family.name, dimensions: series.labels,
                handler: registry.makeGauge(descriptor: series.family, labels: series.labels), factory: factory)
        }
        totals = Mutex(
            Totals(
                counters: Self.counters.map { series in
                    Raised(
                        counter: Self.counter(series.family, series.labels, registry: registry, factory: factory))
                }))
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
        let scrape = Scrape(
            health: health, held: heldCount, eventsHeld: eventsHeldCount, failures: failures,
            paused: gate.pausedSince != nil)
        return totals.withLock { totals in
            for (series, meter) in zip(Self.gauges, meters) { meter.set(series.value(scrape)) }
            for (index, series) in Self.counters.enumerated() { totals.counters[index].raise(to: series.value(scrape)) }
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
