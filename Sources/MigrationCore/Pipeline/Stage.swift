/// One stage of the migration (users, relations, …): reads its share of the source, registers the
/// work it implies, and does what the state database says is left.
///
/// A stage never talks HTTP itself (it uses the shared client) and never writes a report (the
/// runner does, from the state database).
public protocol Stage: Sendable {
    /// Which stage this is; decides its place in the order.
    var id: StageID { get }

    /// Reads the source and records the work and the problems it implies, without touching the
    /// target. Called by both `plan` and `run`; must be idempotent (re-registering is a no-op).
    func register(_ context: StageContext) async throws -> StagePlan

    /// Does the work left in the state database. Items a dead run left in flight come first and
    /// are handed over as `resumed`, so the stage can reconcile before acting again.
    func run(_ context: StageContext) async throws

    /// Called before the stage runs with the instant (ms) its inputs (``StageID/inputs``) last
    /// finished an item: a stage that builds its output whole from them builds again when they
    /// changed after its last build. Durable by construction: it compares finish times in the
    /// state database, so an input finished by a run killed before this stage still counts.
    func inputsFinished(at instant: Int64, _ context: StageContext) async throws
}

extension Stage {
    /// Most stages work item by item on what their inputs produced before: nothing to redo.
    public func inputsFinished(at instant: Int64, _ context: StageContext) async throws {}
}

/// What a stage will do: its items and the REST calls they need, per endpoint.
public struct StagePlan: Sendable, Equatable, Codable {
    public var items: Int
    public var calls: [String: Int]
    /// The fewest calls NIM allows for the same work (SPEC §5 "Calls": NIM's v2 endpoints, which
    /// carry more per call), per endpoint; nil when it is `calls` itself.
    public var floorCalls: [String: Int]?
    /// What the stage will produce besides calls, e.g. `p2p-0001.txt lines` or `bytes to re-host`.
    public var outputs: [String: Int]

    public init(items: Int = 0, calls: [String: Int] = [:], outputs: [String: Int] = [:]) {
        self.items = items
        self.calls = calls
        self.outputs = outputs
    }

    /// All REST calls of the stage.
    public var totalCalls: Int { calls.values.reduce(0, +) }

    /// The fewest calls NIM allows, per endpoint.
    public var floor: [String: Int] { floorCalls ?? calls }
}
