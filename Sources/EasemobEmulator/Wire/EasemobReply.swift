internal import EmulatorKit
import Foundation
import Hummingbird

/// Builds the emulator's HTTP responses: Easemob's JSON envelopes, error bodies, raw bytes.
enum EasemobReply {
    /// A JSON body (HTTP 200 unless told otherwise), `application/json;charset=UTF-8`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=UTF-8"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.encoded())))
    }

    /// The body of an error at virtual time `nowMs`.
    static func errorBody(_ failure: EasemobError, nowMs: Int64) -> JSONValue {
        [
            "error": .string(failure.error), "error_description": .string(failure.description),
            "exception": .string(failure.exception), "timestamp": .int(nowMs), "duration": 0,
        ]
    }

    /// An error answer at virtual time `nowMs`.
    static func error(_ failure: EasemobError, nowMs: Int64) -> Response {
        json(errorBody(failure, nowMs: nowMs), status: HTTPResponse.Status(code: failure.status))
    }

    /// Raw bytes, `application/octet-stream`.
    static func bytes(_ data: Data, contentType: String = "application/octet-stream") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An object-storage (OSS-style) XML error: `<Error><Code>…</Code><Message>…</Message>…`.
    static func ossError(status: HTTPResponse.Status, code: String, message: String, extra: [(String, String)] = [])
        -> Response
    {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n"
        xml += "  <Code>\(code)</Code>\n  <Message>\(message)</Message>\n"
        for (name, value) in extra { xml += "  <\(name)>\(value)</\(name)>\n" }
        xml += "  <RequestId>EMULATOR</RequestId>\n  <HostId>emulator-oss</HostId>\n</Error>\n"
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
    }
}
