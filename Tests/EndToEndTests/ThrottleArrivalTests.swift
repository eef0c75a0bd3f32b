import Foundation
import MigrationCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Issue 18: the throttle holds NIM's *arrival* clock to the rate. Here the emulator's limit is
/// exactly the throttle's rate (the other end-to-end tests give it room), the network jitters
/// every call before the emulator's gate counts it, and a 416 or a busier second fails the test.
@Suite struct ThrottleArrivalTests {
    static let secret = "arrival-secret"

    /// `rate` calls per second with `throttle.jitter_ms: 80`, against an emulator that accepts
    /// exactly `rate` per sliding second and delays each call by 0–30 ms before counting it. The
    /// 50 ms between the two is the allowance for a machine busy with the rest of the suite: the
    /// guarantee (``SendWindow``) holds while every call's delay from the throttle's record to
    /// the emulator's count stays within `jitter_ms` of the others', and on a loaded CI machine
    /// our thread wake-ups between the record and the wire, and the emulator's before it sees
    /// the call, spread further than the 20 ms of `jitter_ms: 50` (one run in five went to 101
    /// beside six busy loops on two cores; with 80, 95–96). The default and its exact edge
    /// (jitter 0–50 ms against `jitter_ms: 50`, a busy loop per core) are measured by `make
    /// bench`. The old window (1.01 s at 98/s) goes over here even on a quiet machine (101–102,
    /// 416s in six runs of six). Both ends are processes of their own (the client is
    /// `migrate-testbed bench-throttle`, one NIMClient), so no test sharing this process's small
    /// cooperative pool can hold a call between its record and the wire.
    @Test func noSecondOfArrivalsIsOverTheRateWhenTheLimitIsTheRate() async throws {
        let rate = 100
        let calls = 400
        let dir = try Processes.temporaryDirectory()
        let environment = ["ARRIVAL_SECRET": Self.secret, "NIM_APP_SECRET": Self.secret]
        let (emulator, _, err) = try Processes.start(
            "nim-migrate",
            [
                "emulator", "--port", "0", "--limit", "\(rate)", "--arrival-jitter-ms", "30",
                "--secret-env", "ARRIVAL_SECRET",
            ],
            in: dir, environment: environment)
        defer { if emulator.isRunning { emulator.terminate() } }
        var base: String?
        for _ in 0..<600 where base == nil && emulator.isRunning {
            let text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on ") {
                base = String(text[range.upperBound...].prefix { !$0.isWhitespace })
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let url = try #require(base, "the emulator did not start")

        let run = try await Processes.run(
            "migrate-testbed", ["bench-throttle", url, "\(calls)", "\(rate)", "16", "arrival e2e", "80"], in: dir,
            environment: environment)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("failed calls 0"), "\(run.stdout)")

        let (data, _) = try await URLSession.shared.data(from: try #require(URL(string: url + "/_emulator/dump")))
        let dump = try JSONValue.parse(data)
        let busiest = try #require(dump["maxCallsPerSecond"]?.int)
        #expect(dump["throttled"]?.int == 0, "\(run.stdout)")
        #expect(busiest <= Int64(rate), "\(run.stdout)")
        #expect(dump["totalCalls"]?.int == Int64(calls))
        emulator.terminate()
    }
}
