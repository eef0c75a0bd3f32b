internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

/// The one choke point to NIM: signs every request, takes one token from the shared
/// ``RateLimiter`` per HTTP attempt (retries included), keeps at most `concurrency` calls in
/// flight, retries by the ``RetryPolicy`` and counts every attempt per stage and endpoint.
///
/// Only ``NIMError`` comes out of ``send(_:stage:)``: permanent errors (parameter errors, 8xx)
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

        public init(
            endpoint: String, v2Endpoint: String? = nil, appKey: String, secret: Secret, rate: Int = 100,
            concurrency: Int = 16, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(30),
            headroom: Double = 0.02
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
        }
    }

    public let configuration: Configuration
    public let limiter: RateLimiter
    public let calls: CallRecorder
    private let inFlight: InFlightLimit
    private let http: HTTPClient

    public init(_ configuration: Configuration, calls: CallRecorder, limiter: RateLimiter? = nil) {
        self.configuration = configuration
        self.calls = calls
        self.limiter = limiter ?? RateLimiter(rate: Double(configuration.rate), headroom: configuration.headroom)
        inFlight = InFlightLimit(limit: configuration.concurrency)
        var http = HTTPClient.Configuration()
        http.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(configuration.concurrency, 1))
        http.timeout = .init(connect: .seconds(5), read: .seconds(Int64(configuration.timeout.components.seconds)))
        http.httpVersion = .http1Only
        self.http = HTTPClient(
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: http)
    }

    /// Closes the connection pool. Call once, when the process is done with NIM.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// Sends one request for `stage`, retrying as the policy says.
    public func send(_ request: NIMRequest, stage: StageID) async throws(NIMError) -> NIMResponse {
        var stats = CallStats()
        var attempt = 0
        while true {
            attempt += 1
            await inFlight.acquire()
            do {
                try await limiter.acquire()
            } catch {
                await inFlight.release()
                await record(stage, request, stats)
                throw NIMError(code: 0, desc: "cancelled", endpoint: request.endpointName, retryable: true)
            }
            stats.calls += 1
            if attempt > 1 { stats.retries += 1 }
            let outcome = await attemptOnce(request)
            await inFlight.release()
            switch outcome {
            case .success(let response):
                await record(stage, request, stats)
                return response
            case .failure(let error) where error.isThrottled && attempt < configuration.retry.maxAttempts:
                stats.throttled += 1
                await limiter.penalize(pause: configuration.retry.throttlePause)
            case .failure(let error)
            where error.retryable && !error.ambiguous && attempt < configuration.retry.maxAttempts:
                let delay = configuration.retry.backoff(after: attempt, jitter: Double.random(in: 0...1))
                try? await Task.sleep(for: delay)
            case .failure(var error):
                if error.isThrottled { stats.throttled += 1 }
                stats.failures += 1
                await record(stage, request, stats)
                if !request.idempotent && error.retryable { error.ambiguous = true }
                throw error
            }
        }
    }

    private func record(_ stage: StageID, _ request: NIMRequest, _ stats: CallStats) async {
        await calls.record(stage: stage, endpoint: request.endpointName, stats)
    }

    /// One signed HTTP attempt, classified.
    private func attemptOnce(_ request: NIMRequest) async -> Result<NIMResponse, NIMError> {
        let endpoint = request.endpointName
        let http: HTTPClientRequest
        do {
            http = try build(request)
        } catch {
            return .failure(error)
        }
        let status: UInt
        let body: ByteBuffer
        do {
            let response = try await self.http.execute(http, timeout: .init(configuration.timeout))
            status = response.status.code
            body = try await response.body.collect(upTo: 32 << 20)
        } catch {
            let unsent = Self.neverSent(error)
            return .failure(
                NIMError(
                    code: 0, desc: "transport: \(Self.describe(error))", endpoint: endpoint, retryable: true,
                    ambiguous: !unsent && !request.idempotent))
        }
        guard status == 200 else {
            let transient = status >= 500
            return .failure(
                NIMError(
                    code: Int(status), desc: "HTTP \(status)", endpoint: endpoint, retryable: transient,
                    ambiguous: transient && !request.idempotent))
        }
        guard let json = try? JSONValue.parse(Data(body.readableBytesView)), let code = json["code"]?.int else {
            return .failure(
                NIMError(
                    code: 0, desc: "answer is not NIM JSON", endpoint: endpoint, retryable: true,
                    ambiguous: !request.idempotent))
        }
        let desc = json["desc"]?.string ?? json["msg"]?.string ?? ""
        let codeValue = Int(code)
        if codeValue == 200 || request.tolerated.contains(where: { $0.matches(code: codeValue, desc: desc) }) {
            return .success(NIMResponse(code: codeValue, desc: desc.isEmpty ? nil : desc, json: json))
        }
        if codeValue == 416 {
            return .failure(NIMError(code: 416, desc: desc, endpoint: endpoint, retryable: true))
        }
        let transient = RetryPolicy.transientCodes.contains(codeValue)
        return .failure(
            NIMError(
                code: codeValue, desc: desc, endpoint: endpoint, retryable: transient,
                ambiguous: transient && !request.idempotent))
    }
}
