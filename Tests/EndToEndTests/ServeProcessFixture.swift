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
    let target: TestTarget
    let pipeline: TestPipeline
    let users: Int
    var dir: String { pipeline.dir }

    /// Runs `body` with a fresh fixture; the emulator is shut down and the folder removed afterwards.
    /// `friendDelete`: the emulator's reading of `friend/delete.action`.
    static func with(
        users: Int = 40, emulatorLimit: Int = 100, latency: ClosedRange<Int>? = nil, rate: Int = 100,
        friendDelete: EmulatorConfiguration.FriendDelete = .both,
        serveSection: Bool = true, allow: [String] = TestPipeline.loopback,
        _ body: (ServeProcessFixture) async throws -> Void
    ) async throws {
        let dir = try Processes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/export", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        try await withTarget(
            secret: secret, limit: emulatorLimit,
            {
                $0.latencyMs = latency
                $0.friendDelete = friendDelete
            }
        ) { target in
            let state = try StateDatabase(path: dir + "/state/serve.sqlite")
            _ = try await state.insertSourceUsers(
                (0..<users).map {
                    SourceUserRow(original: "Old\($0)", nim: "old\($0)", status: .ok, file: "users.jsonl", line: $0 + 1)
                })
            let client = target.client(rate: 50)
            for index in 0..<users { _ = try await client.send(.createUser(accid: "old\(index)"), stage: .users) }
            await client.shutdown()
            let pipeline = try target.pipeline(
                in: dir, name: "serve", stages: [], rate: rate, concurrency: 16,
                extra: serveSection
                    ? ["serve: {listen: \"127.0.0.1:0\", token_env: SERVE_TOKEN, cutoff: 1600000000000}"] : [],
                allow: allow, environment: ["SERVE_TOKEN": token])
            try await body(ServeProcessFixture(target: target, pipeline: pipeline, users: users))
        }
    }

    /// Starts `nim-migrate serve p.yaml`; returns the process and its base URL once it listens.
    func start(environment: [String: String] = [:]) async throws -> (Process, String) {
        let (process, base, _) = try await startReporting(environment: environment)
        return (process, base)
    }

    /// ``start()``, also returning how many messages serve found left in flight.
    func startReporting(environment: [String: String] = [:]) async throws -> (Process, String, resumed: Int) {
        let (process, base, resumed, _) = try await startLogging(environment: environment)
        return (process, base, resumed)
    }

    /// ``startReporting(environment:)``, also returning the file serve's standard error goes to.
    func startLogging(environment: [String: String] = [:]) async throws -> (
        Process, String, resumed: Int, log: URL
    ) {
        let (process, _, err) = try pipeline.start("serve", environment: environment)
        var text = ""
        let listening = try await waitUntil(timeout: .seconds(30), every: .milliseconds(50)) {
            text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            return text.contains("listening on ") || !process.isRunning
        }
        if listening, let range = text.range(of: "listening on ") {
            let url = text[range.upperBound...].prefix { !$0.isWhitespace }
            let resumed = text.range(of: "(resumed ").map { text[$0.upperBound...].prefix { $0.isNumber } }
            return (process, String(url), resumed.flatMap { Int($0) } ?? 0, err)
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
        var health = JSONValue.null
        try await waitUntil(timeout: timeout, every: .milliseconds(100)) {
            health = try await Self.call("GET", base + "/healthz", token: nil).1
            return health["queued"]?.int == 0
        }
        return health
    }

    /// The emulator's state.
    func dump() async throws -> JSONValue { try await target.dump() }

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
}
