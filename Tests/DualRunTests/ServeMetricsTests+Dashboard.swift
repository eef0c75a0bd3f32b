import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Serve's Grafana dashboard and alert rules (`docs/grafana`, `docs/prometheus`) against a real
/// scrape: `scripts/check-dashboard --scrape FILE` fails on a metric or label they name that the
/// scrape does not serve, on a family the dashboard leaves out, and on a rule test's input series
/// named or labelled otherwise than the scrape's.
extension ServeMetricsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// python3 on PATH, which runs the check (the repository's scripts already need it).
    static let python3: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { $0 + "/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: ServeMetricsTests.python3 != nil, "python3 runs scripts/check-dashboard"))
    func theDashboardAndTheAlertRulesNameOnlyWhatAScrapeServes() async throws {
        try await ServeFixture.with(dependencyWait: 0) { fixture in
            _ = try await fixture.post([
                ServeFixture.p2p(1, from: "User0", to: "User1", text: "one"),
                ServeFixture.p2p(2, from: "User0", to: "ghost", text: "to nobody"),
            ])
            _ = try await fixture.drained()
            let url = try #require(URL(string: fixture.server.baseURL + "/metrics"))
            let (data, _) = try await URLSession.shared.data(from: url)
            let text = try PrometheusText(parsing: data)
            #expect(!text.samples(Self.prefix + "rest_calls_total").isEmpty, "a scrape with the endpoint label")

            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nimmig-dash-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let scrape = dir.appendingPathComponent("metrics.prom")
            try data.write(to: scrape)
            let out = dir.appendingPathComponent("check.out")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(Self.python3))
            process.arguments = [
                Self.root.appendingPathComponent("scripts/check-dashboard").path, "--scrape", scrape.path,
            ]
            let handle = try FileHandle(forWritingTo: out)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            // Polled, not waited: a blocking wait would hold a thread of the small cooperative pool.
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            let output = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "\(output)")
            #expect(output.contains("checked against a scrape"), "\(output)")
        }
    }
}
