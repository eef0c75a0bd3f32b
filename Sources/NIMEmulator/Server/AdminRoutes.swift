import Foundation
import GRDB
import Hummingbird

/// The emulator's own routes: uploaded files, the state dump and the reset. No auth, not
/// counted, never throttled.
enum AdminRoutes {
    /// Adds `GET /_files/:id`, `GET /_cdn/:name`, `GET /_emulator/health`, `GET /_emulator/dump`,
    /// `POST /_emulator/outage`, `POST /_emulator/secret`, `POST /_emulator/jitter` and
    /// `POST /_emulator/reset`.
    static func add(to router: Router<EmulatorRequestContext>, core: EmulatorCore) {
        router.get("/_files/:id") { request, context in
            let id = try context.parameters.require("id")
            if let secret = core.configuration.fileSecret,
                request.headers.first(where: { $0.name.canonicalName == "share-secret" })?.value != secret
            {
                return WireResponse.json(["code": 401, "desc": "share-secret required"], status: .unauthorized)
            }
            let bytes = try await core.store.read { db in
                try Data.fetchOne(db, sql: "SELECT bytes FROM files WHERE id = ?", arguments: [id])
            }
            guard let bytes else {
                return WireResponse.json(["code": 404, "desc": "file not exist"], status: .notFound)
            }
            return octetStream(bytes)
        }
        router.get("/_cdn/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let folder = core.configuration.cdnDirectory, !name.contains("/"), !name.hasPrefix("."),
                let bytes = FileManager.default.contents(atPath: folder + "/" + name)
            else {
                return WireResponse.json(["code": 404, "desc": "no such file"], status: .notFound)
            }
            return octetStream(bytes)
        }
        router.get("/_emulator/health") { _, _ in
            WireResponse.json(["code": 200, "status": "ok"])
        }
        router.get("/_emulator/dump") { _, _ in
            WireResponse.json(try await core.store.dump())
        }
        // `?seconds=N&mode=cut|unavailable`: the API is down for N seconds (0 ends an outage).
        router.post("/_emulator/outage") { request, _ in
            let seconds = request.uri.queryParameters.get("seconds").flatMap { Double($0) } ?? 0
            let mode = request.uri.queryParameters.get("mode").flatMap(Outage.Mode.init(rawValue:)) ?? .cut
            core.outage.value = Outage(untilMs: core.nowMs() + Int64(seconds * 1000), mode: mode)
            return WireResponse.json(["code": 200])
        }
        // `?value=S`: the AppSecret is rotated (as in the console); calls signed with the old one fail.
        router.post("/_emulator/secret") { request, _ in
            guard let secret = request.uri.queryParameters.get("value"), !secret.isEmpty else {
                return WireResponse.json(["code": 414, "desc": "value required"])
            }
            core.verifier.value = CheckSumVerifier(appKey: core.configuration.appKey, appSecret: secret)
            return WireResponse.json(["code": 200])
        }
        // `?endpoint=history/queryTeamMsg.action&code=403`: that v1 endpoint answers NIM's error
        // `code` from now on (a service not enabled, a permission missing); `code=0` serves it again.
        router.post("/_emulator/refuse") { request, _ in
            guard let endpoint = request.uri.queryParameters.get("endpoint"), !endpoint.isEmpty,
                let code = request.uri.queryParameters.get("code").flatMap({ Int($0) })
            else {
                return WireResponse.json(["code": 414, "desc": "endpoint and code required"])
            }
            core.refusals.withValue { $0[endpoint] = code == 0 ? nil : code }
            return WireResponse.json(["code": 200])
        }
        // `?ms=N`: from now on each API call waits a uniform 0…N ms before the rate gate counts it.
        router.post("/_emulator/jitter") { request, _ in
            guard let ms = request.uri.queryParameters.get("ms").flatMap({ Int($0) }),
                (0...EmulatorConfiguration.maxArrivalJitterMs).contains(ms)
            else {
                return WireResponse.json(["code": 414, "desc": "ms required (0...10000)"])
            }
            core.jitter.withValue { $0.maxMs = ms }
            return WireResponse.json(["code": 200])
        }
        router.post("/_emulator/reset") { _, _ in
            try await core.store.reset()
            await core.monitor.reset()
            core.jitter.withValue { $0.restart() }
            return WireResponse.json(["code": 200])
        }
    }

    /// A file's bytes as `application/octet-stream`.
    private static func octetStream(_ bytes: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
