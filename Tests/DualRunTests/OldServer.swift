import Foundation
import Hummingbird
import Synchronization
import TestSupportKit

/// The old IM server as far as `serve` is concerned: records every POST to `/receive`; answers
/// 503 to the first `failing` of them.
final class OldServer: Sendable {
    let received = Mutex<[Data]>([])
    let failures: Mutex<Int>
    private let loopback = Mutex<LoopbackServer?>(nil)

    var url: String { "http://127.0.0.1:\(loopback.withLock { $0?.port ?? 0 })/receive" }
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
        let loopback = await LoopbackServer.start(router, label: "old-server")
        server.loopback.withLock { $0 = loopback }
        return server
    }

    func stop() {
        loopback.withLock { $0?.stop() }
    }
}
