import NIOPosix
import Synchronization
import Testing

@testable import MigrationCore

/// The item processor hands every claimed item to exactly one worker, however the workers
/// interleave while a claim is on its way (issue 27: the hand-out and the outcomes are locks).
@Suite struct ItemProcessorTests {
    /// Items of two kinds, interleaved by id like friendships and their aliases.
    private static func database(items: Int) async throws -> StateDatabase {
        let db = try temporaryDatabase()
        let batch = (0..<items).map { NewWorkItem(key: "k\($0)", kind: $0 % 3 == 0 ? "b" : "a") }
        try await db.register(batch, stage: .relations)
        return db
    }

    private static func context(_ db: StateDatabase, concurrency: Int, claimBatch: Int) -> StageContext {
        StageContext(
            stage: .relations, database: db, runID: 0, concurrency: concurrency, stop: StopSignal(),
            calls: CallRecorder(), progress: SilentProgress(), claimBatch: claimBatch)
    }

    @Test func everyItemOfAKindGoesToExactlyOneWorkerWhileClaimsAreUnderWay() async throws {
        let db = try await Self.database(items: 900)
        let seen = Mutex<[String: Int]>([:])
        // 32 workers, claims of 8: most workers find the buffer empty while another one claims.
        try await Self.context(db, concurrency: 32, claimBatch: 8).process(kind: "a") { item, _ in
            for _ in 0..<Int.random(in: 0...3) { await Task.yield() }
            seen.withLock { $0[item.key, default: 0] += 1 }
            return .done()
        }
        let counts = seen.withLock { $0 }
        #expect(counts.count == 600)
        #expect(counts.values.allSatisfy { $0 == 1 })
        let state = try await db.counts()[.relations]
        #expect(state?.done == 600)
        #expect(state?.pending == 300, "the other kind is left as it was")
    }

    @Test func workersOnTheClientsEventLoopDoTheSame() async throws {
        let db = try await Self.database(items: 300)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let seen = Mutex<[String: Int]>([:])
        let onLoop = Mutex(0)
        try await Self.context(db, concurrency: 16, claimBatch: 4).process(kind: "b", on: EventLoopExecutor(loop)) {
            item, _ in
            try? await Task.sleep(for: .microseconds(Int.random(in: 0...300)))
            if loop.inEventLoop { onLoop.withLock { $0 += 1 } }
            seen.withLock { $0[item.key, default: 0] += 1 }
            return .done()
        }
        #expect(seen.withLock { $0.count } == 100)
        #expect(seen.withLock { $0.values.allSatisfy { $0 == 1 } })
        #expect(onLoop.withLock { $0 } == 100, "the bodies ran on the loop's thread")
        #expect(try await db.counts()[.relations]?.done == 100)
    }

    @Test func anItemPutBackBehindTheClaimsIsClaimedAgainInThePass() async throws {
        let db = try await Self.database(items: 60)
        let seen = Mutex<[String: Int]>([:])
        // The first item of the kind is postponed once: its outcome is written (outcomes are
        // flushed every 200 ms) and it is pending again behind the cursor of the claims; the pass
        // finds it when the rest is claimed.
        try await Self.context(db, concurrency: 4, claimBatch: 5).process(kind: "a") { item, _ in
            let times = seen.withLock { seen in
                seen[item.key, default: 0] += 1
                return seen[item.key]!
            }
            if item.key == "k1" && times == 1 { return .postponed(reason: "test") }
            try? await Task.sleep(for: .milliseconds(30))
            return .done()
        }
        #expect(seen.withLock { $0["k1"] } == 2)
        #expect(try await db.counts()[.relations]?.done == 40)
    }
}
