public import Hummingbird

/// A middleware in front of an emulator's API: it takes up only the requests ``call(of:)`` names
/// as API calls, and passes the emulator's own routes (`/_emulator/…`, its files) untouched — not
/// counted, not limited, no credentials asked.
public protocol APIMiddleware: RouterMiddleware where Context == ChannelRequestContext {
    /// What the middleware needs to know of an API call (its rate family, its endpoint).
    associatedtype Call: Sendable

    /// The API call `request` is; nil for one of the emulator's own routes.
    func call(of request: Request) -> Call?

    /// Everything that happens to an API call around its handler (`next`).
    func handle(
        call: Call, _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response
}

extension APIMiddleware {
    /// An API call goes through ``handle(call:_:context:next:)``, anything else straight to `next`.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let call = call(of: request) else { return try await next(request, context) }
        return try await handle(call: call, request, context: context, next: next)
    }
}
