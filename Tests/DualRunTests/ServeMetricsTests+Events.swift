import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// `/metrics` beside the events and the failures of a real serve: the events' queue depth, the events
/// held behind a missing dependency, and the failure counters, which keep counting across
/// `POST /failed/retry` while the failed gauges drop and rise again.
extension ServeMetricsTests {
    @Test func heldAndQueuedEventsAndMessagesAreShownUntilTheirDependencyArrives() async throws {
        try await ServeFixture.with { fixture in
            // The group's owner and the message's recipient do not exist yet: all three wait.
            try await fixture.postEvents([
                ServeEventsTests.event(
                    "w1", 1, "group.created", #""group":{"gid":"gw","owner":"Someone","members":["User1"]}"#),
                ServeEventsTests.event("w2", 2, "group.members_added", #""gid":"gw","accids":["User2"]"#),
            ])
            try await fixture.post([ServeFixture.p2p(1, from: "User0", to: "Someone", text: "early")])
            var listed: [JSONValue] = []
            for _ in 0..<400 {
                listed = try await fixture.call("GET", "/failed").json["data"]?.array ?? []
                if listed.count == 3 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(listed.allSatisfy { $0["state"]?.string == "held" } && listed.count == 3, "\(listed)")
            let text = try await Self.scrape(fixture).text
            let health = try await fixture.health()
            let p = Self.prefix
            #expect(Self.by("queue", text, "queue_depth") == ["inbox": 1, "outbox": 0, "events": 2])
            #expect(Self.by("queue", text, "queue_depth").values.reduce(0, +) == health["queued"]?.int.map(Double.init))
            #expect(text.value(p + "events_held") == 2, "the waiting event and the one behind it")
            #expect(text.value(p + "messages_held") == 1)
            #expect(text.value(p + "events_failed") == 0 && text.value(p + "event_failures_total") == 0)

            // The account arrives: everything goes, nothing is held or queued.
            try await fixture.postEvents([
                ServeEventsTests.event("w0", 0, "user.created", #""user":{"accid":"Someone"}"#)
            ])
            let drained = try await fixture.drained()
            #expect(drained["events_applied"]?.int == 3 && drained["failed"]?.int == 0, "\(drained.text)")
            let after = try await Self.scrape(fixture).text
            #expect(Self.by("queue", after, "queue_depth") == ["inbox": 0, "outbox": 0, "events": 0])
            #expect(after.value(p + "events_held") == 0 && after.value(p + "messages_held") == 0)
            #expect(after.value(p + "events_applied_total") == 3 && after.value(p + "messages_sent_total") == 1)
        }
    }

    @Test func theFailureCountersKeepCountingAcrossARetry() async throws {
        try await ServeFixture.with(dependencyWait: 0) { fixture in
            try await fixture.post([ServeFixture.p2p(1, from: "User0", to: "ghost", text: "to nobody")])
            try await fixture.postEvents([
                ServeEventsTests.event("x1", 1, "team.teleported", #""gid":"g1""#),
                ServeEventsTests.event("x2", 2, "friend.added", #""accid":"User1","faccid":"Ghost""#),
            ])
            let health = try await fixture.drained()
            #expect(health["failed"]?.int == 3, "\(health.text)")
            let p = Self.prefix
            let text = try await Self.scrape(fixture).text
            #expect(text.families[p + "message_failures_total"]?.type == .counter)
            #expect(text.families[p + "event_failures_total"]?.type == .counter)
            #expect(text.value(p + "messages_failed") == 1 && text.value(p + "message_failures_total") == 1)
            #expect(text.value(p + "events_failed") == 2 && text.value(p + "event_failures_total") == 2)

            // Retried with the cause still there: each fails again. The gauges are where they were;
            // the counters rose, so "failed rising" sees the new failures.
            let retried = try await fixture.call("POST", "/failed/retry")
            #expect(retried.json["messages"]?.int == 1 && retried.json["events"]?.int == 2, "\(retried.json)")
            let again = try await fixture.drained()
            #expect(again["failed"]?.int == 3, "\(again.text)")
            let after = try await Self.scrape(fixture).text
            #expect(after.value(p + "messages_failed") == 1 && after.value(p + "message_failures_total") == 2)
            #expect(after.value(p + "events_failed") == 2 && after.value(p + "event_failures_total") == 4)
        }
    }
}
