import MigrationCore
import Synchronization

/// A stage whose items do nothing: measures the runner's own checkpoint cost. With `stopAfter`
/// it asks the run to stop once that many items were handed out.
struct NoopStage: Stage {
    let id: StageID
    let items: Int
    let stopAfter: Int?
    var first: FirstItem?

    func register(_ context: StageContext) async throws -> StagePlan {
        try await context.registerOnce(fingerprint: "noop=\(items)") { emit in
            var batch: [NewWorkItem] = []
            batch.reserveCapacity(50_000)
            for index in 0..<items {
                batch.append(NewWorkItem(key: "n\(index)", kind: "noop"))
                if batch.count == 50_000 {
                    try await emit(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try await emit(batch)
        }
        return StagePlan(items: items)
    }

    func run(_ context: StageContext) async throws {
        let seen = Atomic<Int>(0)
        try await context.process { [first, stopAfter] _, _ in
            first?.mark()
            let count = seen.add(1, ordering: .relaxed).newValue
            if let stopAfter, count >= stopAfter { context.stop.request() }
            return .done()
        }
    }
}
