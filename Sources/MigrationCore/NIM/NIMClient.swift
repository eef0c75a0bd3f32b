internal import Foundation
internal import NIOCore
internal import NIOHTTP1

/// The one choke point to NIM: signs every request, takes one token from the shared
/// ``RateLimiter`` per HTTP attempt (retries included), keeps at most `concurrency` calls in
/// flight, retries by the ``RetryPolicy`` and counts every attempt per stage and endpoint.
///
/// Only ``CallFailure`` comes out of ``send(_:stage:)``: permanent errors (parameter errors, 8xx)
/// at once, transient ones after the retries are spent, and for calls that are not idempotent
/// an *ambiguous* error as soon as an attempt may have reached NIM unanswered.
public final class NIMClient: Sendable {
    /// Where and how to call.
    public struct Configuration: Sendable {
        public var endpoint: String
        public var v2Endpoint: String?
        public var appKey: String
        public var secret: Secret
        public var rate: Int
        public var concurrency: Int
        public var retry: RetryPolicy
        /// Per attempt: connect plus answer.
        public var timeout: Duration
        /// Fraction of the rate kept spare so that no sliding second exceeds it (see ``TokenBucket``).
        public var headroom: Double
        /// How much later than another a call may reach NIM's counter (`throttle.jitter_ms`): no
        /// second of NIM's arrival clock holds more than `rate` calls (see ``SendWindow``).
        public var jitter: Duration
        /// How long calls wait for a target that stopped answering before the run halts.
        public var outageWait: Duration
        /// How often a target that stopped answering is probed.
        public var probeEvery: Duration

        public init(
            endpoint: String, v2Endpoint: String? = nil, appKey: String, secret: Secret, rate: Int = 100,
            concurrency: Int = 16, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(30),
            headroom: Double = 0.02, jitter: Duration = SendWindow<ContinuousClock.Instant>.defaultJitter,
            outageWait: Duration = .seconds(600), probeEvery: Duration = .seconds(3)
        ) {
            self.endpoint = endpoint
            self.v2Endpoint = v2Endpoint
            self.appKey = appKey
            self.secret = secret
            self.rate = rate
            self.concurrency = concurrency
            self.retry = retry
            self.timeout = timeout
            self.headroom = headroom
            self.jitter = jitter
            self.outageWait = outageWait
            self.probeEvery = probeEvery
        }
    }

    public let configuration: Configuration
    /// `configuration.timeout` for NIO.
    private let attemptTimeout: TimeAmount
    public let limiter: RateLimiter<ContinuousClock>
    public let calls: CallRecorder
    /// Whether the target answers: calls wait here during an outage, and stop when the run halts.
    public let gate: TargetGate
    private let inFlight: InFlightLimit
    /// Keep-alive connections to `endpoint` and to `v2Endpoint` (one pool when both are on one
    /// server), each with its endpoint's path; nil when not set or not an http(s) URL.
    let routes: (v1: Route?, v2: Route?)

    public init(
        _ configuration: Configuration, calls: CallRecorder, limiter: RateLimiter<ContinuousClock>? = nil,
        events: @escaping @Sendable (TargetGate.Event) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.calls = calls
        gate = TargetGate(
            threshold: configuration.concurrency, outageWait: configuration.outageWait,
            probeEvery: configuration.probeEvery, events: events)
        self.limiter =
            limiter
            ?? RateLimiter(
                rate: Double(configuration.rate), headroom: configuration.headroom, jitter: configuration.jitter)
        inFlight = InFlightLimit(limit: configuration.concurrency)
        let (seconds, attoseconds) = configuration.timeout.components
        attemptTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let v1 = HTTPOrigin(configuration.endpoint).map { Route(pool: OriginPool($0), basePath: $0.basePath) }
        let v2 = configuration.v2Endpoint.flatMap(HTTPOrigin.init).map { origin in
            let shared = v1?.pool.origin.sameServer(as: origin) == true ? v1?.pool : nil
            // Another server: its connections on the same loop, so one executor serves both.
            let pool = shared ?? v1.map { OriginPool(origin, group: $0.pool.loop) } ?? OriginPool(origin)
            return Route(pool: pool, basePath: origin.basePath)
        }
        routes = (v1, v2)
    }

    /// Where tasks whose work is calls run best: the event loop of the connections to `endpoint`
    /// (see ``EventLoopExecutor``); nil without one.
    public var executor: (any TaskExecutor)? { routes.v1?.pool.executor }

    /// Closes the connection pool. Call once, when the process is done with NIM.
    public func shutdown() async {
        await routes.v1?.pool.shutdown()
        if routes.v2?.pool !== routes.v1?.pool { await routes.v2?.pool.shutdown() }
    }

    /// Sends one request for `stage`, retrying as the policy says.
    public func send(_ request: NIMRequest, stage: StageID) async throws(CallFailure) -> NIMResponse {
        var stats = CallStats()
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await gate.admit(endpoint: request.endpointName)
            } catch {
                record(stage, request, stats)
                throw error
            }
            await inFlight.acquire()
            do {
                try await limiter.acquire()
            } catch {
                inFlight.release()
                record(stage, request, stats)
                throw CallFailure.cancelled(endpoint: request.endpointName)
            }
            stats.calls += 1
            if attempt > 1 { stats.retries += 1 }
            let outcome = await attemptOnce(request)
            inFlight.release()
            switch outcome {
            case .success:
                gate.answered()
            case .failure(let error) where error.halt != nil:
                gate.refuse(error.desc)
            case .failure(let error) where error.isTargetFailure:
                // The target itself failed: when that makes an outage, the call waits it out at the
                // gate and the attempt does not count against its retries. (An attempt that may
                // have taken effect is not repeated blindly: its caller reconciles, and the read
                // it reconciles with waits at the gate.)
                let held = gate.failed(cause: error.desc, probe: { [self] in await self.probe() })
                if held && !error.ambiguous {
                    attempt -= 1
                    continue
                }
            case .failure:
                gate.answered()
            }
            switch outcome {
            case .success(let response):
                record(stage, request, stats)
                return response
            case .failure(var error) where error.halt != nil:
                stats.failures += 1
                record(stage, request, stats)
                error.retryable = true
                throw error
            case .failure(let error) where error.isThrottled && attempt < configuration.retry.maxAttempts:
                stats.throttled += 1
                limiter.penalize(pause: configuration.retry.throttlePause)
            case .failure(let error)
            where error.retryable && !error.ambiguous && attempt < configuration.retry.maxAttempts:
                let delay = configuration.retry.backoff(after: attempt, jitter: Double.random(in: 0...1))
                do {
                    try await limiter.pause(for: delay)
                } catch {
                    record(stage, request, stats)
                    throw CallFailure.cancelled(endpoint: request.endpointName)
                }
            case .failure(var error):
                if error.isThrottled { stats.throttled += 1 }
                stats.failures += 1
                record(stage, request, stats)
                if !request.idempotent && error.retryable { error.ambiguous = true }
                throw error
            }
        }
    }

    /// The cheap, harmless read that tells whether the target answers with these credentials
    /// (`user/getUinfos.action` of an account that cannot exist), through the shared throttle.
    public static let probeRequest = NIMRequest.getUserInfos(["nim_migrate_probe_0"])

    /// One attempt of the probe read: whether NIM answered (with anything NIM says). Probes and the
    /// preflight check pass the throttle like every call, but are no stage's calls: the reports'
    /// per-stage counts (and the plan they are compared with) leave them out.
    func probe() async -> Bool {
        guard (try? await limiter.acquire()) != nil else { return false }
        switch await attemptOnce(Self.probeRequest) {
        case .success: return true
        case .failure(let error): return !error.isTargetFailure
        }
    }

    /// The preflight check (SPEC §5): one authenticated read, through the throttle, no retry.
    /// Nil when the target answers and accepts the credentials; otherwise why not, in one line
    /// that names the endpoint.
    public func check() async -> String? {
        let where_ = configuration.endpoint
        // A dropped connection, a 5xx or a 416 may be a moment's trouble: three more tries within
        // about a second and a half before the answer counts.
        var outcome: Result<NIMResponse, CallFailure> = .failure(.cancelled(endpoint: ""))
        for attempt in 0..<4 {
            guard (try? await limiter.acquire()) != nil else { return "cancelled" }
            outcome = await attemptOnce(Self.probeRequest)
            guard case .failure(let error) = outcome, error.isTargetFailure || error.isThrottled, attempt < 3,
                !Self.unreachable(error.desc)
            else { break }
            guard (try? await limiter.pause(for: .milliseconds(200 << attempt))) != nil else { return "cancelled" }
        }
        switch outcome {
        case .success: return nil
        case .failure(let error) where error.halt != nil: return "\(error.desc) — at \(where_)"
        case .failure(let error) where error.code == 0 && error.desc.hasPrefix("transport"):
            let text = error.desc.lowercased()
            let cause =
                text.contains("refused")
                ? "connection refused (nothing listens there)"
                : text.contains("dns") || text.contains("unknownhost")
                    ? "the host name does not resolve"
                    : text.contains("timeout") || text.contains("timed out")
                        ? "no answer in time"
                        : text.contains("tls") || text.contains("ssl") || text.contains("certificate")
                            ? "TLS failed (\(error.desc))"
                            : String(error.desc.dropFirst("transport: ".count))
            return "the target does not answer at \(where_): \(cause)"
        case .failure(let error) where error.code == 0:
            return "\(where_) does not answer like NIM (\(error.desc)): check target.endpoint (…/nimserver)"
        case .failure(let error) where error.code == 404:
            return "\(where_) answers 404 for \(error.endpoint): wrong path — check target.endpoint (…/nimserver)"
        case .failure(let error) where error.code >= 500:
            return "the target at \(where_) answers \(error.code) \(error.desc): it is not serving now"
        case .failure:
            return nil  // NIM answered with an error about the (impossible) account: credentials accepted.
        }
    }

    /// Whether a transport failure says nothing listens at the address (no point asking again now).
    static func unreachable(_ desc: String) -> Bool {
        let text = desc.lowercased()
        return ["refused", "connecttimeout", "unknownhost", "dns"].contains { text.contains($0) }
    }

    private func record(_ stage: StageID, _ request: NIMRequest, _ stats: CallStats) {
        calls.record(stage: stage, endpoint: request.endpointName, stats)
    }

    /// One signed HTTP attempt, classified.
    private func attemptOnce(_ request: NIMRequest) async -> Result<NIMResponse, CallFailure> {
        let endpoint = request.endpointName
        let call: PreparedCall
        do {
            call = try prepare(request)
        } catch {
            return .failure(error)
        }
        let status: UInt
        let body: ByteBuffer
        do {
            let answer = try await call.pool.execute(
                call.head, body: call.body, timeout: attemptTimeout)
            status = answer.status
            body = answer.body
        } catch {
            let unsent = Self.neverSent(error)
            return .failure(
                CallFailure(
                    code: 0, desc: "transport: \(Self.describe(error))", endpoint: endpoint, retryable: true,
                    ambiguous: !unsent && !request.idempotent))
        }
        guard status == 200 else {
            let transient = status >= 500
            return .failure(
                CallFailure(
                    code: Int(status), desc: "HTTP \(status)", endpoint: endpoint, retryable: transient,
                    ambiguous: transient && !request.idempotent))
        }
        // Parsed where NIO received it (no copy into a Data first).
        let json = try? body.withUnsafeReadableBytes { try JSONParser.parse(buffer: $0.bindMemory(to: UInt8.self)) }
        guard let json, let code = json["code"]?.int else {
            return .failure(
                CallFailure(
                    code: 0, desc: "answer is not NIM JSON", endpoint: endpoint, retryable: true,
                    ambiguous: !request.idempotent))
        }
        let desc = json["desc"]?.string ?? json["msg"]?.string ?? ""
        let codeValue = Int(code)
        if let refusal = CallFailure.credentialsRefusal(code: codeValue, desc: desc) {
            var error = CallFailure(code: codeValue, desc: refusal, endpoint: endpoint)
            error.halt = .credentials(refusal)
            return .failure(error)
        }
        if codeValue == 200 || request.tolerated.contains(where: { $0.matches(code: codeValue, desc: desc) }) {
            return .success(NIMResponse(code: codeValue, desc: desc.isEmpty ? nil : desc, json: json))
        }
        if codeValue == 416 {
            return .failure(CallFailure(code: 416, desc: desc, endpoint: endpoint, retryable: true))
        }
        let transient = RetryPolicy.transientCodes.contains(codeValue)
        return .failure(
            CallFailure(
                code: codeValue, desc: desc, endpoint: endpoint, retryable: transient,
                ambiguous: transient && !request.idempotent))
    }
}
