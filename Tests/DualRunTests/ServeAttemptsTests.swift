import Foundation
import GRDB
import MigrationCore
import Testing

@testable import DualRun

/// `attempts` counts attempts, not claims (issue 26): a message held for its conversation's order
/// or re-polled for a dependency is claimed many times and attempted none.
@Suite struct ServeAttemptsTests {
    @Test func aWaitedMessagesAttemptsStayZeroUntilARealAttempt() async throws {
        try await ServeFixture.with { fixture in
            let t0 = ServeEventsTests.t0
            // An alias change with no friendship in NIM yet: it waits, and holds the pair's later
            // messages (re-claimed every 250 ms); a message to an account not created yet re-polls.
            try await fixture.postEvents([
                ServeEventsTests.event("a2", 2, "friend.updated", #""accid":"User0","faccid":"User1","alias":"pal""#)
            ])
            try await fixture.post([
                ServeFixture.p2p(1, from: "User0", to: "User1", text: "held", time: t0 + 5),
                ServeFixture.p2p(2, from: "User2", to: "Later", text: "waits", time: t0 + 5),
            ])
            // Unrelated changes applied meanwhile wake the waiting message again and again.
            for round in 0..<4 {
                try await fixture.postEvents([
                    ServeEventsTests.event(
                        "n\(round)", 10 + Int64(round), round % 2 == 0 ? "friend.added" : "friend.removed",
                        #""accid":"User3","faccid":"User4""#)
                ])
                try await Task.sleep(for: .milliseconds(400))
            }
            // A claim in progress counts until it settles as a wait (and gives the count back): on a
            // busy machine a read can land inside one, so the test reads until it sees the rest state.
            // Counting claims, the figure only grows and never comes back to 0.
            var seen: [Int] = []
            for _ in 0..<100 {
                seen = try await attempts(fixture)
                if seen == [0, 0] { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(seen == [0, 0])
            try await fixture.postEvents([
                ServeEventsTests.event("a1", 1, "friend.added", #""accid":"User0","faccid":"User1""#),
                ServeEventsTests.event("u", 3, "user.created", #""user":{"accid":"Later"}"#),
            ])
            let health = try await fixture.drained()
            #expect(health["sent"]?.int == 2 && health["failed"]?.int == 0, "\(health.text)")
            #expect(try await attempts(fixture) == [1, 1])
        }
    }

    /// The inbox's `attempts`, in receipt order (read beside the running server).
    private func attempts(_ fixture: ServeFixture) async throws -> [Int] {
        let queue = try DatabaseQueue(path: fixture.settings.storePath)
        return try await queue.read { db in try Int.fetchAll(db, sql: "SELECT attempts FROM inbox ORDER BY seq") }
    }
}
