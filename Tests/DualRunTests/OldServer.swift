import Foundation
import Hummingbird
import Logging
import Synchronization

/// The old IM server as far as `serve` is concerned: records every POST to `/receive`; answers
/// 503 to the first `failing` of them.
final class OldServer: Sendable {
    let received = Mutex<[Data]>([])
    let failures: Mutex<Int>
    let port = Mutex<Int>(0)
    private let task = Mutex<Task<Void, any Error>?>(nil)

    var url: String { "http://127.0.0.1:\(port.withLock { $0 })/receive" }
    var count: Int { received.withLock { $0.count } }

    private init(failing: Int) {
        failures = Mutex(failing)
    }

    static func start(failing: Int = 0) async throws -> OldServer {
        let server = OldServer(failing: failing)
        let router = Router()
        router.post("/receive") { request, _ -> Response in
            let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let fail = server.failures.withLock { count -> Bool in
                guard count > 0 else { return false }
                count -= 1
                return true
            }
            if fail { return Response(status: .serviceUnavailable) }
            server.received.withLock { $0.append(body) }
            return Response(status: .ok)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "old-server")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        server.task.withLock { $0 = Task { try await app.runService() } }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        server.port.withLock { $0 = port }
        return server
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
