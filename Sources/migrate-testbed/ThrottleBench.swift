import Foundation
import MigrationCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `migrate-testbed bench-throttle BASEURL CALLS RATE CONCURRENCY LABEL [JITTER_MS]`: fires CALLS
/// `user/create.action` calls through one NIMClient (`throttle.rate` RATE, `throttle.jitter_ms`
/// JITTER_MS, default 50) against an emulator started by the bench script (or a test), then
/// prints the achieved rate and what the emulator saw. The callers run where a stage's workers
/// do (``NIMClient/executor``).
enum ThrottleBench {
    static func run(_ args: [String]) async throws {
        guard args.count >= 5, let calls = Int(args[1]), let rate = Int(args[2]), let concurrency = Int(args[3]),
            let jitterMs = args.count > 5 ? Int(args[5]) : 50
        else {
            throw TestbedError.usage
        }
        let base = args[0]
        let label = args[4]
        let secret = ProcessInfo.processInfo.environment["NIM_APP_SECRET"] ?? ""
        let client = NIMClient(
            .init(
                endpoint: base + "/nimserver", appKey: "benchkey", secret: Secret(secret), rate: rate,
                concurrency: concurrency, retry: RetryPolicy(maxAttempts: 20, throttlePause: .seconds(1)),
                jitter: .milliseconds(jitterMs)),
            calls: CallRecorder())
        let pace = client.limiter.steadyRate
        let clock = ContinuousClock()
        let start = clock.now
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var failures = 0
            for _ in 0..<concurrency * 2 where next < calls {
                group.addTask(executorPreference: client.executor) { [next] in await call(client, next) }
                next += 1
            }
            while let result = try await group.next() {
                failures += result
                if next < calls {
                    group.addTask(executorPreference: client.executor) { [next] in await call(client, next) }
                    next += 1
                }
            }
            return failures
        }
        let elapsed = (clock.now - start).seconds
        let stats = client.calls.drain(stage: .users)["user/create.action"] ?? CallStats()
        await client.shutdown()
        let seen = try await emulatorFigures(base)
        let fidelity = Double(calls) / elapsed / Double(rate)
        let numbers = String(
            format: "%.1f s, achieved %.2f/s, fidelity %.3f", elapsed, Double(calls) / elapsed, fidelity)
        print(
            "throttle (\(label)): \(calls) calls at \(rate)/s (jitter_ms \(jitterMs): paced at "
                + String(format: "%.2f", pace) + "/s), \(concurrency) in flight: \(numbers); "
                + "emulator max calls in any second \(seen.maxPerSecond), 416s \(seen.throttled), "
                + "attempts \(stats.calls) (retries \(stats.retries)), failed calls \(failures)")
    }

    static func call(_ client: NIMClient, _ index: Int) async -> Int {
        do {
            _ = try await client.send(.createUser(accid: "bench\(index)"), stage: .users)
            return 0
        } catch {
            return 1
        }
    }

    static func emulatorFigures(_ base: String) async throws -> (maxPerSecond: Int, throttled: Int) {
        guard let url = URL(string: base + "/_emulator/dump") else { throw TestbedError.usage }
        let (data, _) = try await URLSession.shared.data(from: url)
        let json = try JSONValue.parse(data)
        return (Int(json["maxCallsPerSecond"]?.int ?? -1), Int(json["throttled"]?.int ?? -1))
    }
}
