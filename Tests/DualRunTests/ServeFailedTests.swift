import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// Nothing fails silently in serve (SPEC §7): a message that cannot be delivered is listed by
/// `GET /failed` with its reason, counted in `/healthz`, and can be put back in the queue.
@Suite struct ServeFailedTests {
    @Test func aMessageThatCannotBeDeliveredIsListedCountedAndRetried() async throws {
        let fixture = try await ServeFixture.make(dependencyWait: 0)
        defer { Task { await fixture.stop() } }
        _ = try await fixture.post([
            ServeFixture.p2p(1, from: "User0", to: "User1", text: "hello"),
            ServeFixture.p2p(2, from: "User0", to: "ghost", text: "to nobody"),
        ])
        let health = try await fixture.drained()
        #expect(health["sent"]?.int == 1 && health["failed"]?.int == 1)
        #expect(try await fixture.call("GET", "/failed", token: nil).status == 401)
        let listed = try await fixture.call("GET", "/failed")
        let entries = listed.json["data"]?.array ?? []
        #expect(entries.count == 1, "\(listed.json)")
        #expect(entries.first?["kind"]?.string == "message" && entries.first?["state"]?.string == "failed")
        #expect(entries.first?["reason"]?.string?.contains("ghost") == true, "\(entries)")
        let next = listed.json["next"]?.string ?? ""
        #expect(try await fixture.call("GET", "/failed?since=\(next)").json["data"]?.array.isEmpty == true)

        let retried = try await fixture.call("POST", "/failed/retry")
        #expect(retried.json["retried"]?.int == 1)
        let again = try await fixture.drained()
        #expect(again["failed"]?.int == 1, "still no such user: failed again, with its reason")
    }

    /// A held message (waiting with a reason) and the ones behind it in its conversation are listed
    /// as held, with the reason; a failed one as failed.
    @Test func heldMessagesSayWhyTheyWait() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-failed-\(UUID()).sqlite").path
        let store = try ServeStore(path: path)
        let messages = try [1, 2, 3].map { n in
            try SourceMessage.read(
                JSONValue.parse(Data(ServeFixture.p2p(n, from: "a", to: n == 3 ? "c" : "b", text: "m\(n)").utf8))
            ).get()
        }
        _ = try await store.receive(messages, cutoff: 0, now: 1)
        let first = try #require(try await store.claim(now: 2))
        try await store.settle(first.seq, .retry(at: 100, reason: "history lookup: 403 forbidden", uncertain: true), now: 3)
        let page = try await store.failed(since: 0, limit: 10)
        #expect(page.entries.map(\.state) == ["held", "held"])
        #expect(page.entries.first?.reason == "history lookup: 403 forbidden")
        #expect(page.entries.last?.reason.hasPrefix("waits behind message") == true)
    }
}
