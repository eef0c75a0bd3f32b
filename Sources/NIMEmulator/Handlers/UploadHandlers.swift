import Crypto
internal import EmulatorKit
import Foundation
import GRDB

/// `msg/upload.action` (Base64 form field) and `msg/fileUpload.action` (multipart), reference
/// §2.8. Every upload is stored under a new id, even for identical bytes, and served back by
/// `GET /_files/<id>` without authentication.
enum UploadHandlers {
    /// Largest accepted file: 15 MB.
    static let maxBytes = 15 * 1024 * 1024

    /// `msg/upload.action`: `content` is the Base64 of the file.
    static func upload(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        guard let content = p["content"], !content.isEmpty else { throw NIMFailure.missing("content") }
        guard let bytes = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
            throw NIMFailure.invalid("content")
        }
        return try await store(bytes, p, core)
    }

    /// `msg/fileUpload.action`: `content` is a multipart file part.
    static func fileUpload(_ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        guard let bytes = p.files["content"] else { throw NIMFailure.missing("content") }
        return try await store(bytes, p, core)
    }

    private static func store(_ bytes: Data, _ p: V1Parameters, _ core: EmulatorCore) async throws -> JSONValue {
        guard bytes.count <= maxBytes else { throw NIMFailure(code: 414, desc: "content is larger than 15 MB") }
        _ = try p.optional("type", max: 128)
        _ = try p.optional("tag", max: 32)
        _ = try p.optionalBool("ishttps")
        if let expireSec = try p.optionalInt("expireSec"), expireSec < 86400 { throw NIMFailure.invalid("expireSec") }
        let md5 = hex(Insecure.MD5.hash(data: bytes))
        let baseURL = core.baseURL
        let now = core.nowMs()
        let url = try await core.store.write { db -> String in
            let serial = try Counters.next(db, Counters.file, start: 1)
            let id = "\(serial)-\(md5.prefix(8))"
            let url = "\(baseURL)/_files/\(id)"
            try FileRecord(id: id, url: url, size: bytes.count, md5: md5, bytes: bytes, createTime: now).insert(db)
            return url
        }
        return ["code": 200, "url": .string(url)]
    }

    /// Lowercase hex of a digest.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
