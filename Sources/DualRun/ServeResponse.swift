internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import MigrationCore

/// Serve's JSON answers, built as values (``JSONValue`` and its compact ``JSONValue/text``).
enum ServeResponse {
    /// `value` as `application/json`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(text: value.text, status: status)
    }

    /// `{"code":STATUS,"desc":DESC}` with that HTTP status.
    static func failure(_ status: HTTPResponse.Status, _ desc: String) -> Response {
        json(.object(["code": .int(Int64(status.code)), "desc": .string(desc)]), status: status)
    }

    /// An object whose member `key` is an array of elements that are already JSON text, copied as
    /// they are: `/incremental`'s lines keep the plan's format byte for byte (its keys in NIM's
    /// order), which a round trip through ``JSONValue`` would sort.
    static func json(_ members: [String: JSONValue], verbatim key: String, _ elements: [String]) -> Response {
        var fields = members.map { (key: $0.key, text: JSONValue.string($0.key).text + ":" + $0.value.text) }
        fields.append((key, JSONValue.string(key).text + ":[" + elements.joined(separator: ",") + "]"))
        return json(text: "{" + fields.sorted { $0.key < $1.key }.map(\.text).joined(separator: ",") + "}")
    }

    private static func json(text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
