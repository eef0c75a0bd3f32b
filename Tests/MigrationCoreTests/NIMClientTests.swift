import Foundation
import NIMEmulator
import Testing

@testable import MigrationCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The client against the emulator over real loopback HTTP.
@Suite struct NIMClientTests {
    static let secret = "client-test-secret"

    static func emulator(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) async throws -> EmulatorServer {
        var config = EmulatorConfiguration(appSecret: secret)
        config.port = 0
        configure(&config)
        return try await EmulatorServer.start(config)
    }

    static func client(
        _ server: EmulatorServer, secret: String = secret, rate: Int = 100,
        retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(10), throttlePause: .milliseconds(200))
    ) -> NIMClient {
        NIMClient(
            .init(
                endpoint: server.baseURL + "/nimserver", v2Endpoint: server.baseURL, appKey: "testkey",
                // The tool's own 30 s: a shorter one timed calls out on a machine busy with the whole suite
                // and a build, and the retried create then met its own first attempt (414 already register).
                secret: Secret(secret), rate: rate, concurrency: 8, retry: retry, timeout: .seconds(30)),
            calls: CallRecorder())
    }

    /// Runs `body` with a fresh emulator and a client of it, both shut down afterwards, also when
    /// `body` throws.
    static func withClient(
        secret: String = secret, rate: Int = 100, configure: (inout EmulatorConfiguration) -> Void = { _ in },
        _ body: (EmulatorServer, NIMClient) async throws -> Void
    ) async throws {
        let server = try await emulator(configure)
        let client = client(server, secret: secret, rate: rate)
        try await withCleanup {
            try await body(server, client)
        } cleanup: {
            await client.shutdown()
            await server.shutdown()
        }
    }

    static func dump(_ server: EmulatorServer) async throws -> JSONValue {
        let (data, _) = try await URLSession.shared.data(
            from: try #require(URL(string: server.baseURL + "/_emulator/dump")))
        return try JSONValue.parse(data)
    }

    @Test func aSignedCallIsAcceptedAndAccidsAreLowerCased() async throws {
        try await Self.withClient { _, client in
            let response = try await client.send(
                .createUser(accid: "MixedCase", token: "t1", name: "王伟"), stage: .users)
            #expect(response.code == 200)
            #expect(response["info"]?["accid"]?.string == "mixedcase")
            let again = try await client.send(.createUser(accid: "mixedcase", token: "t1"), stage: .users)
            #expect(again.code == 414 && again.desc == "already register", "already register is a tolerated outcome")
            let stats = client.calls.drain(stage: .users)
            #expect(stats["user/create.action"] == CallStats(calls: 2))
        }
    }

    /// Credentials refused are the run's problem, not the item's: the call is not retried, the
    /// error halts the run, and no later call is sent at all.
    @Test func aWrongSecretHaltsTheRunAndNothingMoreIsSent() async throws {
        try await Self.withClient(secret: "wrong-secret") { _, client in
            do throws(CallFailure) {
                _ = try await client.send(.createUser(accid: "a"), stage: .users)
                Issue.record("a refused CheckSum must throw")
            } catch {
                #expect(error.code == 414 && error.desc.contains("CheckSum"))
                #expect(error.halt == .credentials(error.desc))
                #expect(ItemOutcome(error) == .postponed(reason: error.desc), "the item stays pending")
            }
            do throws(CallFailure) {
                _ = try await client.send(.createUser(accid: "b"), stage: .users)
            } catch {
                #expect(error.code == 0 && error.halt != nil)
            }
            #expect(client.calls.drain(stage: .users)["user/create.action"]?.calls == 1, "one attempt in all")
            #expect(await client.check()?.contains("CheckSum") == true)
        }
    }

    @Test func parameterErrorsAreNotRetried() async throws {
        try await Self.withClient { _, client in
            do throws(CallFailure) {
                _ = try await client.send(.createUser(accid: "bad accid!"), stage: .users)
                Issue.record("accepted an invalid accid")
            } catch {
                #expect(error.code == 414 && !error.retryable)
            }
            do throws(CallFailure) {
                _ = try await client.send(.addTeamManagers(tid: "999", owner: "x", members: ["y"]), stage: .groups)
                Issue.record("accepted an unknown team")
            } catch {
                #expect(error.code == 803 && !error.retryable)
            }
            #expect(client.calls.drain(stage: .users)["user/create.action"] == CallStats(calls: 1, failures: 1))
        }
    }

    @Test func frequencyControlIsRetriedAfterAPauseAndSlowsTheThrottle() async throws {
        try await Self.withClient(rate: 50, configure: { $0.limit = 5 }) { server, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { _ = try await client.send(.createUser(accid: "u\(index)"), stage: .users) }
                }
                try await group.waitForAll()
            }
            let stats = try #require(client.calls.drain(stage: .users)["user/create.action"])
            #expect(stats.throttled > 0 && stats.failures == 0)
            #expect(stats.calls == 20 + stats.retries)
            #expect(client.limiter.currentRate < 50)
            let dump = try await Self.dump(server)
            #expect(dump["users"]?.array.count == 20)
            #expect((dump["throttled"]?.int ?? 0) == Int64(stats.throttled))
        }
    }

    @Test func serverErrorsAreRetriedUntilTheCallSucceeds() async throws {
        try await Self.withClient(configure: { $0.faultRate = 0.4 }) { server, client in
            for index in 0..<20 {
                _ = try await client.send(.createUser(accid: "f\(index)"), stage: .users)
            }
            let stats = try #require(client.calls.drain(stage: .users)["user/create.action"])
            #expect(stats.retries > 0 && stats.failures == 0)
            #expect(try await Self.dump(server)["users"]?.array.count == 20)
        }
    }

    @Test func aCallThatIsNotIdempotentIsNotRepeatedAfterAServerError() async throws {
        try await Self.withClient(configure: { $0.faultRate = 1.0 }) { server, client in
            do throws(CallFailure) {
                _ = try await client.send(
                    .createTeam(name: "t", owner: "o", members: [], settings: .init()), stage: .groups)
                Issue.record("no error from a server that always fails")
            } catch {
                #expect(error.ambiguous && error.retryable)
            }
            #expect(client.calls.drain(stage: .groups)["team/create.action"]?.calls == 1)
        }
    }

    @Test func droppedConnectionsAreRetriedForIdempotentCalls() async throws {
        try await Self.withClient(configure: { $0.dropRate = 0.3 }) { server, client in
            for index in 0..<15 {
                _ = try await client.send(.createUser(accid: "d\(index)"), stage: .users)
            }
            let stats = try #require(client.calls.drain(stage: .users)["user/create.action"])
            #expect(stats.failures == 0)
            #expect(try await Self.dump(server)["users"]?.array.count == 15)
        }
    }
}

/// A halt reaches the stop signal in the gate's own call, before any event is handled: the runner
/// cannot claim more items after it, nor end with an exit status that misses it.
@Suite struct TargetEventsTests {
    @Test func aHaltStopsTheRunAtOnce() {
        let stop = StopSignal()
        let events = TargetEvents(stop: stop)
        events.sink(.paused(since: Date(), cause: "transport"))
        #expect(!stop.isRequested)
        events.sink(.halted(.credentials("refused")))
        #expect(stop.isRequested && stop.halted == .credentials("refused"))
        #expect(stop.halted?.exitStatus == .unusable)
        events.finish()
    }
}
