public import Foundation
public import HTTPTypes
public import Hummingbird
internal import HummingbirdTesting
public import NIOCore

/// An answer in a test: the status, the headers and the body (each test target reads the body in
/// its own way, in an extension).
public struct TestReply: Sendable {
    public var status: Int
    public var headers: HTTPFields
    public var bytes: Data

    public init(status: Int, headers: HTTPFields = [:], bytes: Data) {
        self.status = status
        self.headers = headers
        self.bytes = bytes
    }
}

/// Sends one request: the method, the path with its query, the headers and the body.
public typealias TestSend = @Sendable (HTTPRequest.Method, String, HTTPFields, ByteBuffer?) async throws -> TestReply

/// Sends requests to a server under test, through its router or over a socket; each test target
/// adds its API's calls (a signed NIM call, a GET with a bearer token) in an extension.
public struct Caller: Sendable {
    public let send: TestSend

    public init(send: @escaping TestSend) {
        self.send = send
    }

    /// A caller of a live server on `127.0.0.1:port`: a fresh connection per request, 10 s at most.
    public static func live(port: Int) -> Caller {
        Caller(send: liveSender(port: port))
    }
}

/// Runs `test` with a caller through `app.test(.router)`: the routes without a socket.
public func withRouterTest(
    _ app: some ApplicationProtocol, _ test: @escaping @Sendable (Caller) async throws -> Void
) async throws {
    try await app.test(.router) { client in
        try await test(
            Caller { method, uri, headers, body in
                let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
                return TestReply(
                    status: Int(response.status.code), headers: response.headers, bytes: Data(buffer: response.body))
            })
    }
}

/// A sender to a live server on `127.0.0.1:port`: a fresh connection per request, 10 s at most.
public func liveSender(port: Int) -> TestSend {
    { method, uri, headers, body in
        try await TestClient.withClient(
            host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10))
        ) { client in
            let response = try await client.execute(
                TestClient.Request(uri, method: method, headers: headers, body: body))
            return TestReply(
                status: Int(response.status.code), headers: response.headers,
                bytes: response.body.map { Data(buffer: $0) } ?? Data())
        }
    }
}
