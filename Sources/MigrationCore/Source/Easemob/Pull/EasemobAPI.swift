internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import Synchronization

/// The families of Easemob's REST API, each with a limit of its own (`reference/source-pull.md`
/// §1.3–1.4) and so a throttle of its own in a pull.
enum PullFamily: String, CaseIterable, Sendable, Codable {
    /// Users, attributes, contacts, groups (Easemob's 100/s, shared with the live app: `pull.rate`).
    case accounts
    /// Blocklists (50/s).
    case blocks
    /// Hourly history files (10 a minute).
    case history
    /// Attachment and avatar downloads (`pull.rate`).
    case files
}

/// One answer of Easemob's REST API that the pull looks at: the HTTP status, the body as
/// received (saved byte for byte), and the body read as JSON.
struct EasemobAnswer: Sendable {
    var status: Int
    var body: Data
    var json: JSONValue

    /// Easemob's error code (`reach_limit`, `service_resource_not_found`, …), if any.
    var error: String? { json["error"]?.string }
    var errorDescription: String { json["error_description"]?.string ?? "" }
}

/// Easemob's REST API for one app as a pull uses it: the app token (cached, renewed at half its
/// life and once on a 401, sent to `pull.host` only), one throttle per family, 429 `reach_limit`
/// paused with backoff, `resource_limited` a halt, 5xx and transport failures retried until the
/// outage lasts longer than `pull.outage_wait`. Every call is counted per family.
final class EasemobAPI: Sendable {
    let config: EasemobPullConfig
    private let secret: Secret
    private let http: HTTPClient
    private let throttles: [PullFamily: WindowThrottle<ContinuousClock>]
    private let token = Mutex<(value: String, renewAt: ContinuousClock.Instant)?>(nil)
    private let counters = Mutex<[PullFamily: (calls: Int, throttled: Int)]>([:])
    /// The server's clock (`timestamp` of the latest answer that carried one), ms.
    private let serverNow = Mutex<Int64?>(nil)
    private let clock = ContinuousClock()

    /// Easemob's windows with a margin for the network's jitter (as NIM's throttle keeps one): calls
    /// that leave exactly a second apart can arrive closer, and Easemob counts arrivals.
    static let second: Duration = .milliseconds(1050)
    static let minute: Duration = .seconds(61)

    init(config: EasemobPullConfig, secret: Secret) {
        self.config = config
        self.secret = secret
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: .seconds(10), read: .seconds(60))
        self.http = HTTPClient(
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: http)
        let clock = ContinuousClock()
        throttles = [
            .accounts: WindowThrottle(limit: config.rate, window: Self.second, clock: clock),
            .blocks: WindowThrottle(limit: config.blockRate, window: Self.second, clock: clock),
            .history: WindowThrottle(limit: config.historyPerMinute, window: Self.minute, clock: clock),
            .files: WindowThrottle(limit: config.rate, window: Self.second, clock: clock),
        ]
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// The server's latest `timestamp` (ms), if an answer has carried one.
    var serverTime: Int64? { serverNow.withLock { $0 } }

    /// Calls and 429s per family so far.
    var counts: [PullFamily: (calls: Int, throttled: Int)] { counters.withLock { $0 } }

    /// Waits for one call of `family` (a download of the files family goes through here too).
    func admit(_ family: PullFamily) async throws {
        try await throttles[family]?.acquire()
        counters.withLock { $0[family, default: (0, 0)].calls += 1 }
    }

    /// Makes sure there is a token: the first call of a pull, which stops it with one line when the
    /// credentials, the org/app or the host are wrong.
    func authenticate() async throws(PullHalt) {
        _ = try await currentToken(renew: true)
    }

    /// The app token, for a download from the app's own host (a chatfile); `renew` after a 401.
    func bearer(renew: Bool = false) async throws(PullHalt) -> String {
        if renew { token.withLock { $0 = nil } }
        return try await currentToken(renew: false)
    }

    /// Calls `path` (below `/{org}/{app}`) with the app token; the answer of any status the caller
    /// decides about (200, 400, 404), or a halt.
    func call(
        _ family: PullFamily, _ path: String, method: HTTPMethod = .GET, query: [(String, String)] = [],
        body: JSONValue? = nil
    ) async throws(PullHalt) -> EasemobAnswer {
        var renewed = false
        var backoff = Backoff(first: family == .history ? .seconds(6) : .seconds(1), max: .seconds(60))
        var outageSince: ContinuousClock.Instant?
        while true {
            do {
                try await admit(family)
            } catch {
                throw PullHalt(.interrupted)
            }
            let bearer = try await currentToken(renew: false)
            let answer: EasemobAnswer
            do {
                answer = try await send(method, path, query: query, body: body, bearer: bearer)
            } catch {
                try await waitOutage(&outageSince, &backoff, "\(error)")
                continue
            }
            if answer.status >= 500 {
                try await waitOutage(&outageSince, &backoff, "HTTP \(answer.status)")
                continue
            }
            outageSince = nil
            switch (answer.status, answer.error) {
            case (429, "resource_limited"?):
                throw PullHalt(
                    .quota(
                        "Easemob answered resource_limited (\(answer.errorDescription)): the app's edition allows no "
                            + "more calls of \(family.rawValue) (\(path)); raise the quota or wait for the next day"))
            case (429, _):
                counters.withLock { $0[family, default: (0, 0)].throttled += 1 }
                await throttles[family]?.pause(for: backoff.next())
                continue
            case (401, _) where !renewed:
                renewed = true
                token.withLock { $0 = nil }
                continue
            case (401, _):
                throw PullHalt(.credentials("Easemob refused the app token twice (\(answer.errorDescription))"))
            case (404, "organization_application_not_found"?):
                throw PullHalt(.noSuchApp(noSuchApp(answer)))
            default:
                return answer
            }
        }
    }

    private func noSuchApp(_ answer: EasemobAnswer) -> String {
        "Easemob has no app \(config.org)/\(config.app) at \(config.host) (\(answer.errorDescription)): check "
            + "pull.org, pull.app and that pull.host is the app's cluster"
    }

    /// One more failed attempt of an outage: waits (backoff), or halts once it has lasted longer
    /// than `pull.outage_wait`.
    private func waitOutage(_ since: inout ContinuousClock.Instant?, _ backoff: inout Backoff, _ why: String)
        async throws(PullHalt)
    {
        let start = since ?? clock.now
        since = start
        if clock.now - start > .seconds(config.outageWait) {
            throw PullHalt(
                .outage(
                    "Easemob at \(config.host) has not answered for \(config.outageWait) s (\(why)); pull again later"))
        }
        do {
            try await Task.sleep(for: backoff.next())
        } catch {
            throw PullHalt(.interrupted)
        }
    }

    /// The cached token, or a new one (at half its lifetime, after a 401, or when `renew`).
    private func currentToken(renew: Bool) async throws(PullHalt) -> String {
        if !renew, let cached = token.withLock({ $0 }), cached.renewAt > clock.now { return cached.value }
        let request: JSONValue = .object([
            "grant_type": .string("client_credentials"), "client_id": .string(config.clientID),
            "client_secret": .string(secret.value),
        ])
        var backoff = Backoff(first: .seconds(1), max: .seconds(30))
        var outageSince: ContinuousClock.Instant?
        while true {
            let answer: EasemobAnswer
            do {
                answer = try await send(.POST, "/token", query: [], body: request, bearer: nil)
            } catch {
                try await waitOutage(&outageSince, &backoff, "\(error)")
                continue
            }
            if answer.status >= 500 || answer.status == 429 {
                try await waitOutage(&outageSince, &backoff, "HTTP \(answer.status)")
                continue
            }
            if answer.error == "organization_application_not_found" { throw PullHalt(.noSuchApp(noSuchApp(answer))) }
            guard answer.status == 200, let value = answer.json["access_token"]?.string else {
                let why = answer.error.map { "\($0): \(answer.errorDescription)" } ?? "HTTP \(answer.status)"
                throw PullHalt(
                    .credentials(
                        "Easemob refused the client credentials (\(why)): check pull.client_id and the secret in "
                            + config.clientSecretEnv))
            }
            let lifetime = answer.json["expires_in"]?.int ?? 0
            let half: Duration = lifetime > 0 ? .seconds(lifetime) / 2 : .seconds(86_400)
            token.withLock { $0 = (value, clock.now.advanced(by: half)) }
            return value
        }
    }

    /// One HTTP exchange with the app's REST host.
    private func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], body: JSONValue?, bearer: String?
    ) async throws -> EasemobAnswer {
        var url = config.host + "/" + Self.encode(config.org) + "/" + Self.encode(config.app) + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer " + bearer) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.text))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(buffer.readableBytesView)
        let json = (try? JSONValue.parse(data)) ?? .null
        if let stamp = json["timestamp"]?.int { serverNow.withLock { $0 = max($0 ?? 0, stamp) } }
        return EasemobAnswer(status: Int(response.status.code), body: data, json: json)
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes a path segment or query value (unreserved characters kept).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}

/// Exponential backoff: `first`, doubling, at most `max`.
struct Backoff {
    private var current: Duration
    let max: Duration

    init(first: Duration, max: Duration) {
        current = first
        self.max = max
    }

    /// The next wait.
    mutating func next() -> Duration {
        let wait = current
        current = Swift.min(current * 2, max)
        return wait
    }
}
