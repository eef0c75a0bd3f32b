import EmulatorKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupportKit
import Testing

@testable import NIMEmulator

let testSecret = "test-secret"

/// A configuration for tests: the test secret, no limit worth hitting unless set.
func testConfiguration(_ adjust: (inout EmulatorConfiguration) -> Void = { _ in }) -> EmulatorConfiguration {
    var configuration = EmulatorConfiguration(appSecret: testSecret)
    configuration.port = 0
    configuration.limit = 10_000
    adjust(&configuration)
    return configuration
}

/// The signature headers of a NIM call.
func signedHeaders(
    secret: String = testSecret, curTime: Int64 = Int64(Date().timeIntervalSince1970), appKey: String = "testkey"
) -> HTTPFields {
    let nonce = UUID().uuidString.replacingOccurrences(of: "-", with: "")
    let checkSum = CheckSumVerifier.checkSum(secret: secret, nonce: nonce, curTime: String(curTime))
    var headers = HTTPFields()
    for (name, value) in [("AppKey", appKey), ("Nonce", nonce), ("CurTime", String(curTime)), ("CheckSum", checkSum)] {
        if let field = HTTPField.Name(name) { headers[field] = value }
    }
    return headers
}

/// Urlencoded form body.
func formBody(_ fields: [(String, String)]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let text = fields.map { name, value in
        "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
    }.joined(separator: "&")
    return ByteBuffer(string: text)
}

/// A reply: HTTP status and parsed JSON body.
typealias Reply = TestReply

extension TestReply {
    /// The body as JSON (`null` when it is not JSON).
    var json: JSONValue { JSONValue(json: bytes) ?? .null }
    /// NIM's `code`.
    var code: Int64? { json["code"]?.intValue }
    /// NIM's `desc`.
    var desc: String? { json["desc"]?.stringValue }
}

/// The NIM API's calls, through the router test framework or a live socket.
extension Caller {
    /// A v1 call with valid signature headers.
    func v1(_ path: String, _ fields: [(String, String)], headers: HTTPFields = signedHeaders()) async throws -> Reply {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded;charset=utf-8"
        return try await send(.post, "/nimserver/\(path)", headers, formBody(fields))
    }

    /// The state dump.
    func dump() async throws -> JSONValue {
        try await send(.get, "/_emulator/dump", [:], nil).json
    }

    /// `msg/sendMsg.action` of a text (`type` 0): `ope` 0 to an account, 1 to a team.
    func sendText(from: String, ope: Int, to: String, body: String) async throws -> Reply {
        try await v1(
            "msg/sendMsg.action", [("from", from), ("ope", String(ope)), ("to", to), ("type", "0"), ("body", body)])
    }

    /// Creates accounts, expecting success.
    func createUsers(_ accids: [String]) async throws {
        for accid in accids {
            let reply = try await v1("user/create.action", [("accid", accid)])
            #expect(reply.code == 200, "create \(accid): \(reply.json)")
        }
    }
}

/// Runs `test` against the emulator through `app.test(.router)`.
func withRouterEmulator(
    _ configuration: EmulatorConfiguration = testConfiguration(),
    _ test: @escaping @Sendable (Caller) async throws -> Void
) async throws {
    try await withRouterTest(try EmulatorApplication.make(configuration), test)
}

/// Runs `test` against a live emulator on a free port, one connection per request.
func withLiveEmulator(
    _ configuration: EmulatorConfiguration = testConfiguration(),
    _ test: @escaping @Sendable (EmulatorServer, Caller) async throws -> Void
) async throws {
    let server = try await EmulatorServer.start(configuration)
    let caller = Caller.live(port: server.port)
    do {
        try await test(server, caller)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}

/// `count` distinct accids with a prefix.
func accids(_ prefix: String, _ count: Int) -> [String] {
    (0..<count).map { "\(prefix)\($0)" }
}

/// JSON array text of strings.
func jsonArray(_ values: [String]) -> String {
    String(decoding: JSONValue.strings(values).encoded(), as: UTF8.self)
}
