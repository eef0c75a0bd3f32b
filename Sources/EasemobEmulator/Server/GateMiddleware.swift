internal import EmulatorKit
import HTTPTypes
import Hummingbird
import NIOCore

/// Everything that happens to a call before its handler, in Easemob's order as far as it can be
/// told from outside: the app (404 `organization_application_not_found`), an outage (503 or a
/// cut connection), the family's rate (429 `reach_limit` / `resource_limited`), the token (401);
/// and the traffic log around it all.
///
/// `/_emulator/…` passes untouched: not logged, not limited, no token.
struct GateMiddleware: APIMiddleware {
    let core: EasemobCore

    /// An API call's rate family and path segments.
    func call(of request: Request) -> (family: RateFamily, segments: [Substring])? {
        let segments = request.uri.path.split(separator: "/")
        return RateFamily.of(segments: segments).map { ($0, segments) }
    }

    func handle(
        call: (family: RateFamily, segments: [Substring]), _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let (family, segments) = call
        let elapsed = core.clock.elapsedMs
        let now = core.clock.nowMs
        let authorization = request.headers[.authorization]
        let seq = await core.state.record { seq in
            TrafficEntry(
                seq: seq, elapsedMs: elapsed, virtualMs: now, method: request.method.rawValue,
                path: request.uri.path, query: request.uri.query ?? "", family: family, status: 0,
                authorization: authorization != nil)
        }
        let response: Response
        do {
            response = try await gate(request, context: context, family: family, segments: segments, next: next)
        } catch let error as any HTTPResponseError {
            await core.state.complete(seq, status: Int(error.status.code))
            throw error
        }
        await core.state.complete(seq, status: Int(response.status.code))
        return response
    }

    private func gate(
        _ request: Request, context: Context, family: RateFamily, segments: [Substring],
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let now = core.clock.nowMs
        if family != .download {
            let org = core.configuration.org
            let app = core.configuration.app
            guard segments.count >= 2, segments[0] == org, segments[1] == app else {
                let path = segments.joined(separator: "/")
                let named = segments.prefix(2).joined(separator: "/")
                let parts = named.split(separator: "/").map(String.init)
                return EasemobReply.error(
                    .appNotFound(org: parts.first ?? "", app: parts.count > 1 ? parts[1] : "", path: path), nowMs: now)
            }
        }
        if let mode = await core.state.outageMode(at: core.clock.elapsedMs) {
            switch mode {
            case .unavailable:
                return EasemobReply.error(.unavailable, nowMs: now)
            case .cut:
                try await context.dropConnection()
            }
        }
        switch await core.state.admit(family, elapsedMs: core.clock.elapsedMs) {
        case .admit: break
        case .reachLimit: return EasemobReply.error(.reachLimit, nowMs: now)
        case .resourceLimited: return EasemobReply.error(.resourceLimited, nowMs: now)
        }
        if family != .token && family != .download {
            let token = Self.bearer(request.headers[.authorization])
            if let failure = await core.state.authenticate(token, nowMs: now) {
                return EasemobReply.error(failure, nowMs: now)
            }
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer <token>` header (a bare token is taken too).
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ")
        if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        return parts.count == 1 ? String(parts[0]) : header
    }
}
