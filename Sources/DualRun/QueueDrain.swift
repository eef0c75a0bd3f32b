internal import MigrationCore
internal import Synchronization

/// The claim-and-handle loop the sender, the event worker and the CC forwarder share: up to
/// `concurrency` items in work; when nothing is due, wait for the bell (an arrival, a settled item,
/// a stop) or a quarter second (an item retried later comes due by itself).
enum QueueDrain {
    static func run<Claim: Sendable>(
        concurrency: Int, bell: Doorbell, stop: StopSignal, log: @escaping @Sendable (String) -> Void, what: String,
        claim: @escaping @Sendable () async throws -> Claim?, handle: @escaping @Sendable (Claim) async -> Void
    ) async {
        let running = WorkCount()
        await withTaskGroup(of: Void.self) { group in
            while !stop.isRequested {
                if running.value.load(ordering: .acquiring) >= concurrency {
                    _ = await group.next()
                    continue
                }
                let next: Claim?
                do {
                    next = try await claim()
                } catch {
                    log("serve: cannot read the \(what) queue: \(error)")
                    await bell.wait(atMost: .seconds(1))
                    continue
                }
                guard let next else {
                    await bell.wait(atMost: .milliseconds(250))
                    continue
                }
                running.value.add(1, ordering: .acquiring)
                group.addTask {
                    await handle(next)
                    running.value.subtract(1, ordering: .releasing)
                }
            }
        }
    }
}

/// Items in work, shared by the loop and its tasks.
final class WorkCount: Sendable {
    let value = Atomic<Int>(0)
}
