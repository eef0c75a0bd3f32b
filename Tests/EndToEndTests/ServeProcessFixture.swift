import Foundation
import MigrationCore
import NIMEmulator

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `nim-migrate serve` as a real process beside an in-process emulator: a pipeline state with
/// `users` migrated accounts, a pipeline file with a `serve:` section on a free port.
struct ServeProcessFixture {
    static let secret = "serve-e2e-secret"
    static let token = "serve-e2e-token"
    let dir: String
    let emulator: EmulatorServer
    let users: Int

    static func make(
        users: Int = 40, emulatorLimit: Int = 100, latency: ClosedRange<Int>? = nil, rate: Int = 100,
        serveSection: Bool = true
    ) async throws -> ServeProcessFixture {
        let dir = try Processes.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/export", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        var configuration = EmulatorConfiguration(appSecret: secret)
        configuration.port = 0
        configuration.limit = emulatorLimit
        configuration.latencyMs = latency
        let emulator = try await EmulatorServer.start(configuration)
        let state = try StateDatabase(path: dir + "/state/serve.sqlite")
        _ = try await state.insertSourceUsers(
            (0..<users).map {
                SourceUserRow(original: "Old\($0)", nim: "old\($0)", status: .ok, file: "users.jsonl", line: $0 + 1)
            })
        let client = NIMClient(
            .init(endpoint: emulator.baseURL + "/nimserver", appKey: "k", secret: Secret(secret), rate: 50),
            calls: CallRecorder())
        for index in 0..<users { _ = try await client.send(.createUser(accid: "old\(index)"), stage: .users) }
        await client.shutdown()
        let serve =
            serveSection ? "serve: {listen: \"127.0.0.1:0\", token_env: SERVE_TOKEN, cutoff: 1600000000000}\n" : ""
        let yaml = """
            name: serve
            source: {format: canonical, path: export}
            target: {endpoint: "\(emulator.baseURL)/nimserver", appkey: k, app_secret_env: SERVE_SECRET}
            throttle: {rate: \(rate)}
            concurrency: 16
            \(serve)
            """
        try yaml.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        return ServeProcessFixture(dir: dir, emulator: emulator, users: users)
    }

    static let environment = ["SERVE_SECRET": secret, "SERVE_TOKEN": token]

    /// Starts `nim-migrate serve p.yaml`; returns the process and its base URL once it listens.
    func start() async throws -> (Process, String) {
        let (process, base, _) = try await startReporting()
        return (process, base)
    }

    /// ``start()``, also returning how many messages serve found left in flight.
    func startReporting() async throws -> (Process, String, resumed: Int) {
        let (process, _, err) = try Processes.start(
            "nim-migrate", ["serve", "p.yaml"], in: dir, environment: Self.environment)
        for _ in 0..<600 {
            let text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on ") {
                let url = text[range.upperBound...].prefix { !$0.isWhitespace }
                let resumed = text.range(of: "(resumed ").map { text[$0.upperBound...].prefix { $0.isNumber } }
                return (process, String(url), resumed.flatMap { Int($0) } ?? 0)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw URLError(.cannotConnectToHost)
    }

    /// One HTTP exchange.
    static func call(_ method: String, _ url: String, body: Data? = nil, token: String? = token) async throws -> (
        Int, JSONValue
    ) {
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONValue.parse(data)) ?? .null)
    }

    /// Message `id` as a canonical p2p line between two of the users.
    func line(_ id: Int) -> String {
        let from = id % users
        let to = (id * 7 + 3) % users == from ? (from + 1) % users : (id * 7 + 3) % users
        return
            "{\"data\":{\"msgid\":\(id),\"from\":\"Old\(from)\",\"to\":\"Old\(to)\",\"createTime\":\(1_700_000_000_000 + Int64(id)),\"body\":\"message \(id)\"},\"type\":0}"
    }

    /// Posts a batch to `/old/messages`.
    func post(_ base: String, _ ids: Range<Int>) async throws {
        let body = "[" + ids.map(line).joined(separator: ",") + "]"
        let (status, json) = try await Self.call("POST", base + "/old/messages", body: Data(body.utf8))
        guard status == 200 else { throw URLError(.badServerResponse, userInfo: ["json": json.text]) }
    }

    /// Waits until serve reports nothing queued; returns the last `/healthz`.
    func drained(_ base: String, timeout: Duration) async throws -> JSONValue {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while true {
            let (_, health) = try await Self.call("GET", base + "/healthz", token: nil)
            if health["queued"]?.int == 0 || clock.now > end { return health }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The emulator's state.
    func dump() async throws -> JSONValue {
        try await Self.call("GET", emulator.baseURL + "/_emulator/dump", token: nil).1
    }

    /// Source msgid of each message NIM holds, read from its body ("message N").
    func deliveredIDs() async throws -> [Int] {
        try await dump()["messages"]?.array.compactMap { message -> Int? in
            guard let body = message["body"]?.string, let json = try? JSONValue.parse(Data(body.utf8)) else {
                return nil
            }
            return json["msg"]?.string.flatMap { Int($0.dropFirst("message ".count)) }
        } ?? []
    }

    /// Whether every conversation's messages reached NIM (in msgid order) in source order.
    func conversationsInOrder() async throws -> Bool {
        var last: [String: Int] = [:]
        for message in try await dump()["messages"]?.array ?? [] {
            let pair = [message["from"]?.string ?? "", message["to"]?.string ?? ""].sorted().joined(separator: "|")
            guard let body = message["body"]?.string, let json = try? JSONValue.parse(Data(body.utf8)),
                let id = json["msg"]?.string.flatMap({ Int($0.dropFirst("message ".count)) })
            else { continue }
            if let previous = last[pair], previous > id { return false }
            last[pair] = id
        }
        return true
    }

    func stop() async {
        await emulator.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
