internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import MigrationCore

/// The HTTP interface of `serve` (SPEC §7) as a route table: the open routes, and the routes
/// behind the bearer token — one ``BearerAuthMiddleware`` in front of them all (401 before the
/// body is read). `/nim/cc` is authenticated by NIM's signature instead (403 otherwise).
enum ServeRoutes {
    /// One route's work: the request in, the response out (the core holds the store and settings).
    typealias Handler = @Sendable (Request, ServeCore) async throws -> Response

    /// One entry of the table.
    typealias Route = (method: HTTPRequest.Method, path: String, handler: Handler)

    /// Largest request body accepted on `/old/messages` and `/old/events` (a batch) and `/nim/cc`
    /// (one message).
    static let maxBatchBytes = 32 << 20
    static let maxCCBytes = 4 << 20

    /// Routes without the token: `/healthz` and `/metrics` (probes and scrapers), `/nim/cc` (signed).
    static let open: [Route] = [
        (.get, "/healthz", health),
        (.get, "/metrics", metrics),
        (.post, "/nim/cc", cc),
    ]

    /// Routes that want `Authorization: Bearer TOKEN`.
    static let authorized: [Route] = [
        (.post, "/old/messages", receiveMessages),
        (.post, "/old/events", receiveEvents),
        (.get, "/incremental", incremental),
        (.get, "/failed", failed),
        (.post, "/failed/retry", retryFailed),
    ]

    /// The router of a running serve: every route of both tables, the authorized ones behind the
    /// bearer check.
    static func router(_ core: ServeCore) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        add(open, to: router, core)
        add(authorized, to: router.group().add(middleware: BearerAuthMiddleware(token: core.settings.token)), core)
        return router
    }

    private static func add(
        _ routes: [Route], to methods: some RouterMethods<BasicRequestContext>, _ core: ServeCore
    ) {
        for route in routes {
            let handler = route.handler
            methods.on(RouterPath(route.path), method: route.method) { request, _ in try await handler(request, core) }
        }
    }
}
