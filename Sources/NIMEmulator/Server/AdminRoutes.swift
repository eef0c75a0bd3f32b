import Foundation
import GRDB
import Hummingbird

/// The emulator's own routes: uploaded files, the state dump and the reset. No auth, not
/// counted, never throttled.
enum AdminRoutes {
    /// Adds `GET /_files/:id`, `GET /_cdn/:name`, `GET /_emulator/health`, `GET /_emulator/dump` and `POST /_emulator/reset`.
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
        router.post("/_emulator/reset") { _, _ in
            try await core.store.reset()
            await core.monitor.reset()
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
