internal import MigrationCore

/// What the routes share: settings, the store, the CC verifier, the clock, the log and the metrics.
struct ServeCore: Sendable {
    let settings: ServeSettings
    let store: ServeStore
    let verifier: CCVerifier
    let now: @Sendable () -> Int64
    let log: @Sendable (String) -> Void
    /// Whether the one NIM client holds its calls because the target does not answer.
    let gate: TargetGate
    /// `/metrics`.
    let metrics: ServeMetrics
    /// Rung when a message arrives or a held one may go: the sender waits on it, not polling.
    let inbox = Doorbell()
    /// Rung when a CC arrives or a message is settled: the forwarder waits on it.
    let outbox = Doorbell()
    /// Rung when an event arrives or one is settled: the event worker waits on it.
    let events = Doorbell()
}
