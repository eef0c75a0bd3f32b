internal import EmulatorKit
import Foundation
import Hummingbird

/// Builds the HTTP responses the emulator answers with.
enum WireResponse {
    /// A JSON body (HTTP 200 unless told otherwise), `application/json; charset=utf-8`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let data = value.encoded()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A v1 business error: HTTP 200 with `code` and `desc`.
    static func failure(_ failure: NIMFailure) -> Response {
        json(failure.body)
    }

    /// A v2 business error: HTTP 200 with `code`, `msg` and (for v1-style clients) `desc`, and
    /// the empty `data` object NIM's v2 pages promise for a failed request.
    static func v2Failure(_ failure: NIMFailure) -> Response {
        json(v2FailureBody(failure))
    }

    /// A v2 path called with a method it does not serve: HTTP 405 with an `Allow` header and
    /// the v2 error body.
    static func v2MethodNotAllowed(_ failure: NIMFailure, allow: String) -> Response {
        var response = json(v2FailureBody(failure), status: .methodNotAllowed)
        response.headers[.allow] = allow
        return response
    }

    private static func v2FailureBody(_ failure: NIMFailure) -> JSONValue {
        ["code": .number(failure.code), "msg": .string(failure.desc), "desc": .string(failure.desc), "data": [:]]
    }

    /// An unexpected server-side error, as NIM's 500.
    static func internalError(_ error: any Error) -> Response {
        json(["code": 500, "desc": .string("server internal error: \(error)")], status: .internalServerError)
    }
}

/// Writes a response body in two parts with a pause between them (a stalled response).
struct StallingBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let pause: Duration
    var stalled = false

    mutating func write(_ buffer: ByteBuffer) async throws {
        guard !stalled else {
            try await parent.write(buffer)
            return
        }
        stalled = true
        var rest = buffer
        let half = rest.readableBytes / 2
        if half > 0, let first = rest.readSlice(length: half) {
            try await parent.write(first)
        }
        try await Task.sleep(for: pause)
        try await parent.write(rest)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        if !stalled { try await Task.sleep(for: pause) }
        try await parent.finish(trailingHeaders)
    }
}

extension Response {
    /// The same response with its body sent in two parts, `pause` apart.
    func stalled(for pause: Duration) -> Response {
        var response = self
        let body = self.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(StallingBodyWriter(parent: writer, pause: pause))
        }
        return response
    }
}
