import Foundation
import MigrationCore
import NIMEmulator

@testable import DualRun

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An in-process emulator, a pipeline state database with migrated users and one team, and a
/// `ServeServer` on a free loopback port, all in a fresh temporary folder.
struct ServeFixture {
    static let secret = "serve-secret"
    static let token = "serve-token"
    let dir: String
    let emulator: EmulatorServer
    let state: StateDatabase
    let client: NIMClient
    let settings: ServeSettings
    let server: ServeServer
    /// The tid of old group `g1` (members user0…user3).
    let tid: String

    /// `users` accounts `User0`… (NIM accids `user0`…), group `g1`, serve started; `friendDelete`
    /// is the emulator's reading of `friend/delete.action`.
    static func make(
        users: Int = 6, oldServerURL: String? = nil, cutoff: Int64 = 1_600_000_000_000, dependencyWait: Int = 600,
        friendDelete: EmulatorConfiguration.FriendDelete = .both,
        now: @escaping @Sendable () -> Int64 = StateDatabase.wallClockMillis
    ) async throws -> ServeFixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/export", withIntermediateDirectories: true)
        var configuration = EmulatorConfiguration(appSecret: secret)
        configuration.port = 0
        configuration.limit = 1000
        configuration.friendDelete = friendDelete
        let emulator = try await EmulatorServer.start(configuration)
        let state = try StateDatabase(path: dir + "/state.sqlite")
        _ = try await state.insertSourceUsers(
            (0..<users).map {
                SourceUserRow(original: "User\($0)", nim: "user\($0)", status: .ok, file: "users.jsonl", line: $0 + 1)
            })
        let client = NIMClient(
            .init(endpoint: emulator.baseURL + "/nimserver", appKey: "servekey", secret: Secret(secret), rate: 1000),
            calls: CallRecorder())
        for index in 0..<users { _ = try await client.send(.createUser(accid: "user\(index)"), stage: .users) }
        let team = try await client.send(
            .createTeam(name: "g1", owner: "user0", members: ["user1", "user2", "user3"], settings: .init()),
            stage: .groups)
        let tid = team["tid"]?.string ?? ""
        try await state.map([IDMapping(kind: .team, old: "g1", new: tid)])
        let old = oldServerURL.map { "\n  old_server_url: \($0)" } ?? ""
        let yaml = """
            name: serve
            source: {format: canonical, path: \(dir)/export}
            target: {endpoint: "\(emulator.baseURL)/nimserver", appkey: servekey, app_secret_env: SERVE_SECRET}
            throttle: {rate: 1000}
            concurrency: 8
            files: {allow: [127.0.0.1]}
            serve:
              listen: 127.0.0.1:0
              token_env: SERVE_TOKEN
              cutoff: \(cutoff)
              dependency_wait: \(dependencyWait)\(old)

            """
        let pipeline = try PipelineConfig.parse(yaml: yaml)
        var settings = try ServeSettings(
            pipeline: pipeline, environment: ["SERVE_SECRET": secret, "SERVE_TOKEN": token])
        settings.storePath = dir + "/serve.sqlite"
        let server = try await ServeServer.start(settings: settings, state: state, client: client, now: now) { _ in }
        return ServeFixture(
            dir: dir, emulator: emulator, state: state, client: client, settings: settings, server: server, tid: tid)
    }

    /// Serve again on the same store (a restart).
    func restarted() async throws -> ServeFixture {
        await server.shutdown()
        let server = try await ServeServer.start(settings: settings, state: state, client: client) { _ in }
        return ServeFixture(
            dir: dir, emulator: emulator, state: state, client: client, settings: settings, server: server, tid: tid)
    }

    /// Runs `body` with a fresh fixture (see
    /// ``make(users:oldServerURL:cutoff:dependencyWait:friendDelete:now:)``), stopped afterwards, also
    /// when `body` throws.
    static func with<T>(
        users: Int = 6, oldServerURL: String? = nil, cutoff: Int64 = 1_600_000_000_000, dependencyWait: Int = 600,
        friendDelete: EmulatorConfiguration.FriendDelete = .both, _ body: (ServeFixture) async throws -> T
    ) async throws -> T {
        try await make(
            users: users, oldServerURL: oldServerURL, cutoff: cutoff, dependencyWait: dependencyWait,
            friendDelete: friendDelete
        ).stopping(body)
    }

    /// Runs `body`, then stops the fixture, also when `body` throws.
    func stopping<T>(_ body: (ServeFixture) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    func stop() async {
        await server.shutdown()
        await client.shutdown()
        await emulator.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// One HTTP exchange with serve.
    func call(
        _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:], token: String? = token
    ) async throws -> (status: Int, json: JSONValue) {
        try await HTTP.call(method, server.baseURL + path, body: body, headers: headers, token: token)
    }

    /// Posts events to `/old/events` as one JSON array.
    @discardableResult
    func postEvents(_ events: [String]) async throws -> JSONValue {
        try await post(events, to: "/old/events")
    }

    /// The emulator's whole state.
    func nimState() async throws -> JSONValue {
        try await HTTP.call("GET", emulator.baseURL + "/_emulator/dump", token: nil).json
    }

    /// Posts JSON texts (canonical lines by default) to `path` as one JSON array; anything but a
    /// 200 throws.
    @discardableResult
    func post(_ lines: [String], to path: String = "/old/messages") async throws -> JSONValue {
        let reply = try await call("POST", path, body: Data("[\(lines.joined(separator: ","))]".utf8))
        guard reply.status == 200 else { throw HTTP.Failure(status: reply.status, json: reply.json) }
        return reply.json
    }

    /// A fresh `serve.sqlite` (no server) holding three received messages: `m1`, `m2` from a to b
    /// and `m3` from a to c, received at `now`. The caller removes `path`.
    static func storeWithThreeMessages(now: Int64) async throws -> (store: ServeStore, path: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-store-\(UUID()).sqlite").path
        let store = try ServeStore(path: path)
        let messages = try [1, 2, 3].map { n in
            try SourceMessage.read(JSONValue.parse(Data(p2p(n, from: "a", to: n == 3 ? "c" : "b", text: "m\(n)").utf8)))
                .get()
        }
        _ = try await store.receive(messages, cutoff: 0, now: now)
        return (store, path)
    }

    /// `/healthz`.
    func health() async throws -> JSONValue {
        try await call("GET", "/healthz", token: nil).json
    }

    /// Waits until nothing is queued (or `timeout`: long, for a machine busy with the whole suite).
    func drained(timeout: Duration = .seconds(120)) async throws -> JSONValue {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while true {
            let health = try await health()
            if health["queued"]?.int == 0 || clock.now > end { return health }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The emulator's stored messages.
    func nimMessages() async throws -> [JSONValue] {
        try await HTTP.call("GET", emulator.baseURL + "/_emulator/dump", token: nil).json["messages"]?.array ?? []
    }

    /// A p2p canonical line.
    static func p2p(_ msgid: Int, from: String, to: String, text: String, time: Int64 = 1_700_000_000_000) -> String {
        "{\"data\":{\"msgid\":\(msgid),\"from\":\"\(from)\",\"to\":\"\(to)\",\"createTime\":\(time),\"body\":\"\(text)\"},\"type\":0}"
    }

    /// A team canonical line in old group `g1`.
    static func team(_ msgid: Int, from: String, text: String, time: Int64 = 1_700_000_000_000) -> String {
        "{\"data\":{\"msgid\":\"\(msgid)\",\"accid\":\"\(from)\",\"tid\":\"g1\",\"createTime\":\"\(time)\",\"body\":\"\(text)\"},\"type\":\"0\"}"
    }
}

/// A tiny HTTP client for tests.
enum HTTP {
    struct Failure: Error {
        var status: Int
        var json: JSONValue
    }

    static func call(
        _ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:], token: String?
    ) async throws -> (status: Int, json: JSONValue) {
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONValue.parse(data)) ?? .null)
    }
}
