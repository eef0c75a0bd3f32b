internal import GRDB
internal import Synchronization

/// One registration pass under way (``StateDatabase/beginRegistration()``): its batches are
/// written on the database's writer while the stage reads the next lines — reading and writing
/// overlap on two cores, in order, at most ``depth`` batches ahead (memory stays flat). The first
/// failed write is thrown by the next ``add(_:)`` or by ``settle(stage:)``.
public final class RegistrationPass: Sendable {
    private let database: StateDatabase
    private let state = Mutex(State())
    /// Batches written or waiting to be, at most.
    static let depth = 2

    private struct State {
        var writing = 0
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(database: StateDatabase) {
        self.database = database
    }

    /// Hands a batch to the writer; waits only while ``depth`` batches are still being written.
    public func add(_ items: [NewWorkItem]) async throws {
        guard !items.isEmpty else { return }
        await waitUntil { $0.writing < Self.depth }
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            state.writing += 1
        }
        database.pool.asyncWrite { db in
            try StateDatabase.appendToPass(items, db)
        } completion: { _, result in
            self.written(result)
        }
    }

    /// Waits until `condition` holds: every finished write wakes the waiters, who ask again.
    private func waitUntil(_ condition: (inout State) -> Bool) async {
        while !state.withLock({ condition(&$0) }) {
            await state.wait(unless: condition, park: { $0.waiters.append($1) })
        }
    }

    private func written(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { state in
            state.writing -= 1
            if case .failure(let error) = result, state.failure == nil { state.failure = error }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits for every batch, then makes the pass's items work items of `stage` (one transaction).
    /// Returns how many were new.
    @discardableResult
    public func settle(stage: StageID) async throws -> Int {
        await waitUntil { $0.writing == 0 }
        if let failure = state.withLock({ $0.failure }) { throw failure }
        return try await database.settlePass(stage: stage)
    }
}
