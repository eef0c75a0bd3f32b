internal import EmulatorKit
import Hummingbird

/// A route's work: the request in, a response out, or a thrown ``EasemobError``.
typealias EasemobHandler = @Sendable (Request, EasemobRequestContext) async throws -> Response

extension EasemobCore {
    /// Wraps a handler so that a thrown ``EasemobError`` becomes Easemob's error answer.
    func serve(_ handler: @escaping EasemobHandler) -> EasemobHandler {
        { request, context in
            do {
                return try await handler(request, context)
            } catch let failure as EasemobError {
                return EasemobReply.error(failure, nowMs: self.clock.nowMs)
            }
        }
    }

    /// ``serve(_:)`` for a route with one path parameter (`:username`, `:id`, …): `handler` is given
    /// the request and that parameter's value.
    func serve(
        _ parameter: String, _ handler: @escaping @Sendable (Request, String) async throws -> Response
    ) -> EasemobHandler {
        serve { request, context in try await handler(request, try context.parameters.require(parameter)) }
    }

    /// A JSON answer.
    func reply(_ body: [String: JSONValue]) -> Response {
        EasemobReply.json(.object(body))
    }

    /// A query parameter as an integer, `nil` when absent; 400 when present but not a number.
    static func integer(_ request: Request, _ name: String) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let value = Int(text) else {
            throw EasemobError.illegalArgument("illegal argument: \(name)=\(text) is not a number")
        }
        return value
    }

    /// The `Int` clamped into `range`.
    static func clamp(_ value: Int, _ range: ClosedRange<Int>) -> Int {
        min(max(value, range.lowerBound), range.upperBound)
    }
}
