import Foundation
import Hummingbird
import Synchronization
import TestSupportKit

/// A small HTTP server on one loopback address that records every request it receives: the
/// untrusted-address tests' "secret" service (one only the migration machine can reach) and
/// their old CDN (files, and redirects to wherever a test says).
///
/// `GET /file/NAME` answers the bytes given for NAME; `GET /redirect?to=URL` answers 302 to URL;
/// anything else answers "SECRET" — so a test can also see that a refused URL was never read.
final class TrapServer: Sendable {
    /// One request: its path and query, and its headers (lower-cased names).
    struct Hit: Sendable {
        var uri: String
        var headers: [String: String]
    }

    let host: String
    let hits = Mutex<[Hit]>([])
    let files: [String: Data]
    private let loopback = Mutex<LoopbackServer?>(nil)
    static let secret = Data("SECRET: the operator's cloud credentials".utf8)

    /// The bound port.
    var port: Int { loopback.withLock { $0?.port ?? 0 } }
    var baseURL: String { "http://\(host):\(port)" }
    var count: Int { hits.withLock { $0.count } }

    private init(host: String, files: [String: Data]) {
        self.host = host
        self.files = files
    }

    /// Starts one on `host` (any loopback address: 127.0.0.1, 127.0.0.2, …), on a free port.
    static func start(host: String = "127.0.0.1", port: Int = 0, files: [String: Data] = [:]) async throws
        -> TrapServer
    {
        let server = TrapServer(host: host, files: files)
        let router = Router()
        router.get("**") { request, _ -> Response in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            server.hits.withLock { $0.append(Hit(uri: request.uri.description, headers: headers)) }
            let path = request.uri.path
            if path == "/redirect", let to = request.uri.queryParameters.get("to") {
                return Response(status: .found, headers: [.location: to])
            }
            if path.hasPrefix("/file/"), let data = server.files[String(path.dropFirst("/file/".count))] {
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: Self.secret)))
        }
        let loopback = await LoopbackServer.start(router, host: host, port: port, label: "trap")
        server.loopback.withLock { $0 = loopback }
        return server
    }

    func stop() {
        loopback.withLock { $0?.stop() }
    }
}

/// Runs `body` with a trap server started on `host`, stopping it after.
func withTrap<T>(
    host: String = "127.0.0.1", port: Int = 0, files: [String: Data] = [:], _ body: (TrapServer) async throws -> T
) async throws -> T {
    let server = try await TrapServer.start(host: host, port: port, files: files)
    defer { server.stop() }
    return try await body(server)
}
