import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// Nothing fails silently in serve (SPEC §7): a message that cannot be delivered is listed by
/// `GET /failed` with its reason, counted in `/healthz`, and can be put back in the queue.
@Suite struct ServeFailedTests {
    @Test func aMessageThatCannotBeDeliveredIsListedCountedAndRetried() async throws {
        try await ServeFixture.with(dependencyWait: 0) { fixture in
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
    }

    /// A held message (waiting with a reason) and the ones behind it in its conversation are listed
    /// as held, with the reason; a failed one as failed.
    @Test func heldMessagesSayWhyTheyWait() async throws {
        let (store, path) = try await ServeFixture.storeWithThreeMessages(now: 1)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try #require(try await store.claim(now: 2))
        try await store.settle(
            first.seq, .retry(at: 100, .local("history lookup: 403 forbidden", retryable: true), uncertain: true),
            now: 3)
        let page = try await store.failed(since: 0, limit: 10)
        #expect(page.entries.map(\.state) == ["held", "held"])
        #expect(page.entries.first?.reason == "history lookup: 403 forbidden")
        #expect(page.entries.last?.reason.hasPrefix("waits behind message") == true)
    }
}

/// SPEC §7: a history lookup that cannot answer holds only its conversation, and says why.
@Suite struct ServeHeldLookupTests {
    @Test func aLookupAnswering403HoldsOnlyItsConversationAndSaysWhy() async throws {
        let first = try await ServeFixture.make()
        await first.server.shutdown()
        // A team message left in flight by a dead process: its send may have reached NIM.
        let store = try ServeStore(path: first.settings.storePath)
        let lines = [
            ServeFixture.team(1, from: "User1", text: "in flight at the crash"),
            ServeFixture.team(2, from: "User2", text: "behind it"),
            ServeFixture.p2p(3, from: "User0", to: "User1", text: "other conversation"),
            ServeFixture.p2p(4, from: "User2", to: "User3", text: "another one"),
        ]
        let messages = try lines.map { try SourceMessage.read(JSONValue.parse(Data($0.utf8))).get() }
        _ = try await store.receive(messages, cutoff: 0, now: StateDatabase.wallClockMillis())
        let claimed = try await store.claim(now: StateDatabase.wallClockMillis())
        #expect(claimed?.message.key == messages[0].key)
        // NIM's team history is not enabled for this app: the lookup answers 403.
        let refused = try await HTTP.call(
            "POST", first.emulator.baseURL + "/_emulator/refuse?endpoint=history/queryTeamMsg.action&code=403",
            token: nil)
        #expect(refused.json["code"]?.int == 200)
        let server = try await ServeServer.start(settings: first.settings, state: first.state, client: first.client) {
            _ in
        }
        let fixture = ServeFixture(
            dir: first.dir, emulator: first.emulator, state: first.state, client: first.client,
            settings: first.settings, server: server, tid: first.tid)
        try await fixture.stopping { fixture in
            #expect(server.resumed == 1)

            var health = JSONValue.null
            for _ in 0..<400 {
                health = try await fixture.health()
                if health["sent"]?.int == 2 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(health["sent"]?.int == 2, "the other conversations flow: \(health.text)")
            #expect(health["queued"]?.int == 2)
            let listed = try await fixture.call("GET", "/failed").json["data"]?.array ?? []
            #expect(listed.map { $0["state"]?.string } == ["held", "held"], "\(listed)")
            #expect(listed.first?["reason"]?.string?.contains("history lookup") == true, "\(listed)")
            #expect(listed.first?["reason"]?.string?.contains("403") == true, "\(listed)")
            #expect(listed.last?["reason"]?.string?.hasPrefix("waits behind message \(messages[0].key)") == true)

            // The service enabled again: the held conversation is looked up, then goes on.
            _ = try await HTTP.call(
                "POST", first.emulator.baseURL + "/_emulator/refuse?endpoint=history/queryTeamMsg.action&code=0",
                token: nil)
            let drained = try await fixture.drained(timeout: .seconds(60))
            #expect(drained["queued"]?.int == 0 && drained["sent"]?.int == 4 && drained["failed"]?.int == 0)
            #expect(try await fixture.nimMessages().count == 4)
        }
    }
}
