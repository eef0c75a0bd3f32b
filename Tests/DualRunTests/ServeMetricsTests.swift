import Foundation
import MigrationCore
import Synchronization
import Testing

@testable import DualRun

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `GET /metrics` (SPEC §7): Prometheus's text format, read by a strict parser of the format
/// (``PrometheusText``), with the figures `/healthz`, `/failed` and the client's call counts give.
@Suite struct ServeMetricsTests {
    static let prefix = "nim_migrate_serve_"
    /// Every family `/metrics` writes, with its type.
    static let families: [String: PrometheusText.MetricType] = [
        "queue_depth": .gauge, "oldest_unsent_age_seconds": .gauge, "messages_sent_total": .counter,
        "cc_forwarded_total": .counter, "messages_failed": .gauge, "messages_held": .gauge,
        "events_applied_total": .counter, "rest_calls_total": .counter, "rest_throttled_total": .counter,
        "target_paused": .gauge, "events_failed": .gauge, "events_held": .gauge, "message_failures_total": .counter,
        "event_failures_total": .counter,
    ]

    /// One scrape, without a token: status, content type and the parsed text.
    static func scrape(_ fixture: ServeFixture) async throws -> (status: Int, type: String?, text: PrometheusText) {
        let url = try #require(URL(string: fixture.server.baseURL + "/metrics"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = response as? HTTPURLResponse
        let text = try PrometheusText(parsing: data)
        return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type"), text)
    }

    /// `value` of a family by one label (`endpoint`, `queue`).
    static func by(_ label: String, _ text: PrometheusText, _ family: String) -> [String: Double] {
        Dictionary(
            text.samples(prefix + family).map { ($0.labels[label] ?? "", $0.value) }, uniquingKeysWith: +)
    }

    @Test func aScrapeParsesAndAgreesWithHealthzFailedAndTheCallCounts() async throws {
        let old = try await OldServer.start()
        // No dependency wait: the message to an account nobody creates fails at once.
        defer { old.stop() }
        try await ServeFixture.with(oldServerURL: old.url, dependencyWait: 0) { fixture in
            _ = try await fixture.post([
                ServeFixture.p2p(1, from: "User0", to: "User1", text: "one"),
                ServeFixture.p2p(2, from: "User1", to: "User0", text: "two"),
                ServeFixture.p2p(3, from: "User2", to: "User3", text: "three"),
                ServeFixture.team(4, from: "User1", text: "four"),
                ServeFixture.p2p(5, from: "User0", to: "ghost", text: "to nobody"),
            ])
            let cc = ServeCCTests.ccBody("900101")
            let reply = try await fixture.call(
                "POST", "/nim/cc", body: cc, headers: ServeCCTests.headers(cc), token: nil)
            #expect(reply.status == 200)
            let health = try await fixture.drained()
            #expect(health["sent"]?.int == 4 && health["failed"]?.int == 1 && health["forwarded"]?.int == 1)
            #expect(health["queued"]?.int == 0)
            let listed = try await fixture.call("GET", "/failed").json["data"]?.array ?? []

            let scrape = try await Self.scrape(fixture)
            let calls = fixture.client.calls.totals()
            #expect(scrape.status == 200)
            #expect(scrape.type?.hasPrefix("text/plain; version=0.0.4") == true, "\(scrape.type ?? "no content type")")
            let text = scrape.text
            #expect(Set(text.families.keys) == Set(Self.families.keys.map { Self.prefix + $0 }))
            for (name, type) in Self.families {
                let family = try #require(text.families[Self.prefix + name])
                #expect(family.type == type, "\(name)")
                #expect(family.help?.isEmpty == false, "\(name) has no HELP")
                #expect(!family.samples.isEmpty, "\(name) has no sample")
            }
            func value(_ name: String) -> Double? { text.value(Self.prefix + name) }
            #expect(value("messages_sent_total") == health["sent"]?.int.map(Double.init))
            #expect(value("messages_failed") == health["failed"]?.int.map(Double.init))
            #expect(value("cc_forwarded_total") == health["forwarded"]?.int.map(Double.init))
            let depth = Self.by("queue", text, "queue_depth")
            #expect(Set(depth.keys) == ["inbox", "outbox", "events"])
            #expect(depth.values.reduce(0, +) == health["queued"]?.int.map(Double.init))
            let oldest = health["oldest_unsent_ms"]?.int.map(Double.init)
            #expect(value("oldest_unsent_age_seconds").map { $0 * 1000 } == oldest)
            #expect(value("messages_held") == Double(listed.filter { $0["state"]?.string == "held" }.count))
            #expect(value("messages_failed") == Double(listed.filter { $0["state"]?.string == "failed" }.count))
            #expect(value("message_failures_total") == 1 && value("events_held") == 0)
            #expect(value("target_paused") == 0)
            #expect(value("events_applied_total") == 0)

            // REST calls and 416s: one series per endpoint the client called, as the recorder counts them.
            for family in ["rest_calls_total", "rest_throttled_total"] {
                #expect(text.samples(Self.prefix + family).allSatisfy { Array($0.labels.keys) == ["endpoint"] })
            }
            #expect(Self.by("endpoint", text, "rest_calls_total") == calls.mapValues { Double($0.calls) })
            #expect(Self.by("endpoint", text, "rest_throttled_total") == calls.mapValues { Double($0.throttled) })
            #expect((Self.by("endpoint", text, "rest_calls_total")["msg/sendMsg.action"] ?? 0) >= 4)

            // Events applied are read from the store, as sent is: two posted, two applied; nothing else
            // of the messages moved.
            let posted = try await fixture.call(
                "POST", "/old/events",
                body: Data(
                    (#"[{"id":"m1","time":1700000000000,"type":"friend.added","accid":"User1","faccid":"User2"},"#
                        + #"{"id":"m2","time":1700000000001,"type":"block.added","accid":"User1","targetAcc":"User3"}]"#)
                        .utf8))
            #expect(posted.status == 200)
            let drained = try await fixture.drained()
            #expect(drained["events_applied"]?.int == 2)
            let again = try await Self.scrape(fixture).text
            #expect(again.value(Self.prefix + "events_applied_total") == 2)
            #expect(again.value(Self.prefix + "events_failed") == 0)
            func series(_ text: PrometheusText) -> [String: Double] {
                var all: [String: Double] = [:]
                for sample in text.families.values.flatMap(\.samples)
                where !sample.name.hasPrefix(Self.prefix + "events") && !sample.name.hasPrefix(Self.prefix + "rest_") {
                    all[sample.name + "\(sample.labels.sorted { $0.key < $1.key })"] = sample.value
                }
                return all
            }
            #expect(series(again) == series(text))
        }
    }

    /// Queue depths, oldest age, held, 416s and the target's state are read at each scrape: a
    /// store with waiting messages (no sender), a recorder and a gate moved by hand.
    @Test func everyScrapeReadsTheStoreTheCallsAndTheGateAfresh() async throws {
        let (store, path) = try await ServeFixture.storeWithThreeMessages(now: 1_000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try #require(try await store.claim(now: 2_000))
        try await store.settle(
            first.seq, .retry(at: 99_000, .local("history lookup: 403", retryable: true), uncertain: true), now: 3_000)
        _ = try await store.receiveCC(msgidServer: "77", body: Data("{}".utf8), fromREST: false, now: 4_000)
        let calls = CallRecorder()
        calls.record(
            stage: .history, endpoint: "msg/sendMsg.action", CallStats(calls: 5, retries: 2, throttled: 2))
        calls.record(stage: .users, endpoint: "user/create.action", CallStats(calls: 1))
        let gate = TargetGate(threshold: 3, outageWait: .seconds(60), probeEvery: .milliseconds(10))
        let metrics = ServeMetrics(store: store, calls: calls, gate: gate)
        let p = Self.prefix

        func scrape(_ now: Int64) async throws -> PrometheusText {
            try PrometheusText(parsing: Data(try await metrics.render(now: now)))
        }
        var text = try await scrape(11_000)
        var health = try await store.health(now: 11_000)
        #expect(Self.by("queue", text, "queue_depth") == ["inbox": 3, "outbox": 1, "events": 0])
        #expect(health.inboxQueued == 3 && health.outboxQueued == 1)
        #expect(text.value(p + "oldest_unsent_age_seconds") == 10)
        #expect(health.oldestUnsentMs == 10_000)
        let held = try await store.failed(since: 0, limit: 10).entries.filter { $0.state == "held" }.count
        #expect(held == 2 && text.value(p + "messages_held") == 2, "the held one and the one behind it")
        #expect(Self.by("endpoint", text, "rest_calls_total") == ["msg/sendMsg.action": 5, "user/create.action": 1])
        let throttled = Self.by("endpoint", text, "rest_throttled_total")
        #expect(throttled == ["msg/sendMsg.action": 2, "user/create.action": 0])
        #expect(text.value(p + "target_paused") == 0)
        #expect(text.value(p + "messages_sent_total") == 0)

        // The target stops answering: calls wait, the gauge says so; and back.
        let answers = Answers()
        for _ in 0..<3 { _ = gate.failed(cause: "connection refused") { answers.value.withLock { $0 } } }
        #expect(gate.pausedSince != nil)
        #expect(try await scrape(11_000).value(p + "target_paused") == 1)
        answers.value.withLock { $0 = true }
        let clock = ContinuousClock()
        let end = clock.now + .seconds(10)
        while gate.pausedSince != nil, clock.now < end { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await scrape(11_000).value(p + "target_paused") == 0)

        // Sent, more calls and 416s: the next scrape follows.
        try await store.settle(first.seq, .sent(msgid: 1, line: nil), now: 12_000)
        calls.record(stage: .history, endpoint: "msg/sendMsg.action", CallStats(calls: 1, throttled: 1))
        text = try await scrape(21_000)
        health = try await store.health(now: 21_000)
        #expect(text.value(p + "messages_sent_total") == 1 && health.sent == 1)
        #expect(Self.by("queue", text, "queue_depth") == ["inbox": 2, "outbox": 1, "events": 0])
        #expect(text.value(p + "oldest_unsent_age_seconds") == 20)
        #expect(text.value(p + "messages_held") == 0)
        #expect(Self.by("endpoint", text, "rest_calls_total")["msg/sendMsg.action"] == 6)
        #expect(Self.by("endpoint", text, "rest_throttled_total")["msg/sendMsg.action"] == 3)
    }

    /// The parser refuses what the format does not allow (else agreeing with it would prove little).
    @Test(arguments: [
        ("a 1", "no final line feed"),
        ("a 1\r\n", "carriage return"),
        ("# TYPE a counter\n# TYPE a counter\na 1\n", "two TYPE lines"),
        ("# HELP a x\n# HELP a y\na 1\n", "two HELP lines"),
        ("a 1\n# TYPE a counter\n", "TYPE after the samples"),
        ("# TYPE a counter\na 1\nb 2\na{x=\"1\"} 3\n", "a family interrupted"),
        ("# TYPE a summer\na 1\n", "unknown type"),
        ("# TYPE a gauge extra\na 1\n", "TYPE with three tokens"),
        ("a 1\na 2\n", "one series twice"),
        ("a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 1\n", "one series twice, labels reordered"),
        ("a{x=\"1\",x=\"2\"} 1\n", "a label twice"),
        ("1a 1\n", "name starting with a digit"),
        ("a-b 1\n", "dash in a name"),
        ("a{x:y=\"1\"} 1\n", "colon in a label name"),
        ("a{__x=\"1\"} 1\n", "reserved label name"),
        ("a{x=1} 1\n", "unquoted label value"),
        ("a{x=\"1} 1\n", "unclosed label value"),
        ("a{x=\"\\t\"} 1\n", "unknown escape in a label value"),
        ("# HELP a tab\\t\na 1\n", "unknown escape in HELP"),
        ("a{x=\"1\"}1\n", "no blank before the value"),
        ("a one\n", "value not a number"),
        ("a 0x1p3\n", "hexadecimal float"),
        ("a 1e\n", "exponent without digits"), ("a Infinite\n", "not Inf"), ("a .\n", "a dot alone"),
        ("a +NaN\n", "signed NaN"),
        ("a 1 12.5\n", "timestamp not an integer"),
        ("a 1 2 3\n", "text after the timestamp"),
        ("# TYPE a counter\na -1\n", "negative counter"),
        ("# TYPE a counter\na NaN\n", "NaN counter"),
        ("a\n", "no value"),
    ])
    func theParserRefuses(_ text: String, _ what: String) {
        #expect(throws: PrometheusText.Failure.self, "\(what)") { try PrometheusText(parsing: text) }
    }

    /// And reads what it allows: escapes, blanks, a trailing comma, timestamps, +Inf, NaN, comments,
    /// histogram parts in their family.
    @Test func theParserReadsWhatTheFormatAllows() throws {
        let text = try PrometheusText(
            parsing: """
                # A plain comment
                # HELP http_requests_total Requests \\\\ with a backslash\\nand a newline.
                # TYPE http_requests_total counter
                http_requests_total{method="post",code="200"} 1027 1395066363000
                \thttp_requests_total{ method = "post" , code="400", }   3\t1395066363000

                # TYPE file_access_time_seconds gauge
                file_access_time_seconds{path="C:\\\\F.TXT",error="Not found:\\n\\"F.TXT\\""} 1.458255915e9
                # TYPE latency histogram
                latency_bucket{le="0.5"} 1
                latency_bucket{le="+Inf"} 2
                latency_sum 1.5
                latency_count 2
                nothing_typed NaN
                minus_inf -Inf
                metric_without_timestamp_and_labels 12.47
                trailing_dot 1.
                leading_dot .5
                """ + "\n")
        #expect(text.families["http_requests_total"]?.help == "Requests \\ with a backslash\nand a newline.")
        #expect(text.value("http_requests_total", ["method": "post", "code": "400"]) == 3)
        #expect(text.samples("http_requests_total").first?.timestamp == 1_395_066_363_000)
        #expect(
            text.value(
                "file_access_time_seconds", ["path": "C:\\F.TXT", "error": "Not found:\n\"F.TXT\""])
                == 1_458_255_915)
        #expect(text.samples("latency").count == 4)
        #expect(text.value("latency_bucket", ["le": "+Inf"]) == 2)
        #expect(text.value("nothing_typed")?.isNaN == true)
        #expect(text.value("minus_inf") == -.infinity)
        #expect(text.families["nothing_typed"]?.type == .untyped)
        #expect(text.value("trailing_dot") == 1 && text.value("leading_dot") == 0.5)
    }
}

/// Whether the probe of a paused gate finds the target back.
private final class Answers: Sendable {
    let value = Mutex(false)
}
