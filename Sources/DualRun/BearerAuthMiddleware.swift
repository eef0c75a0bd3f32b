internal import Hummingbird

/// The bearer check of serve's authorized routes (``ServeRoutes/authorized``), in one place: a
/// request without `Authorization: Bearer TOKEN`, or with another token, is answered 401 before
/// its route reads the body.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BearerToken

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard token.accepts(authorization: request.headers[.authorization]) else {
            return ServeResponse.failure(.unauthorized, "missing or wrong bearer token")
        }
        return try await next(request, context)
    }
}
