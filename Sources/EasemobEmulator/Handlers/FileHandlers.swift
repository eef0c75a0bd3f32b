import Foundation
import Hummingbird

/// Attachments and other files of `files/`.
///
/// - `GET /{org}/{app}/chatfiles/{uuid}` (token required): the bytes of `files/<uuid>`. A file
///   referenced by a history line whose body has a `secret` needs that value in the
///   `share-secret` header (or `?share-secret=`, Easemob's documented alternative); without it,
///   401 (guessed body). A referenced file whose newest message is older than
///   ``EasemobEmulatorConfiguration/attachmentRetentionDays`` before now, or a name not in
///   `files/`, answers 404 `file_not_found` (guessed: Easemob documents no answer for it).
/// - `GET /_files/{name}` (no token): files of `files/` no history line references (avatars,
///   group avatars, named by the last path segment of their URL); 404 otherwise.
enum FileHandlers {
    /// Registers the routes.
    static func register(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        router.get(
            "/:org/:app/chatfiles/:uuid",
            use: core.serve("uuid") { request, value in try await chatfile(request, uuid: value, core: core) })
        router.get("/_files/:name") { _, context in
            let name = try context.parameters.require("name")
            guard core.snapshot.attachments[name] == nil, let path = core.snapshot.files[name],
                let bytes = FileManager.default.contents(atPath: path)
            else {
                return EasemobReply.error(.fileGone, nowMs: core.clock.nowMs)
            }
            return EasemobReply.bytes(bytes)
        }
    }

    static func chatfile(_ request: Request, uuid: String, core: EasemobCore) async throws -> Response {
        if let attachment = core.snapshot.attachments[uuid] {
            let retentionMs = Int64(core.configuration.attachmentRetentionDays) * 86_400_000
            guard attachment.messageMs >= core.clock.nowMs - retentionMs else { throw EasemobError.fileGone }
            if let secret = attachment.secret {
                let given =
                    request.headers.first { $0.name.canonicalName == "share-secret" }?.value
                    ?? request.uri.queryParameters.get("share-secret")
                guard given == secret else { throw EasemobError.shareSecretRequired }
            }
        }
        guard let path = core.snapshot.files[uuid], let bytes = FileManager.default.contents(atPath: path) else {
            throw EasemobError.fileGone
        }
        return EasemobReply.bytes(bytes)
    }
}
