import Crypto
import Foundation
import Hummingbird

/// The hourly history files: `GET /chatmessages/{yyyyMMddHH}` hands out a signed URL, and
/// `GET /_oss/chatmessages/{hour}.gz?Expires=&OSSAccessKeyId=&Signature=` serves the file
/// (no token: an object store's pre-signed link).
///
/// Answer of the API (chatmessages-download-url.json): `{"action","application","uri","data":
/// [{"url":"<base>/_oss/chatmessages/<hour>.gz?Expires=<unix s>&OSSAccessKeyId=emu&Signature=…"}],
/// "timestamp","duration","organization","applicationName"}`. Against the virtual clock, an hour
/// is: malformed → 400 "illegal arguments: appkey: ORG#APP, time: X"; starting more than
/// ``EasemobEmulatorConfiguration/historyRetentionHours`` ago, or ending less than
/// ``EasemobEmulatorConfiguration/generationDelayHours`` ago → 400 "…, maybe chat message
/// history is expired or unstored"; in range without a file → 404 `storage_object_not_found`.
/// All three texts are Easemob's documented ones (message_historical.md).
enum HistoryHandlers {
    /// Thrown mid-body to cut a download short (the connection closes).
    struct TruncatedDownload: Error {}

    /// Registers the routes.
    static func register(on router: Router<EasemobRequestContext>, core: EasemobCore) {
        router.get(
            "/:org/:app/chatmessages/:time",
            use: core.serve("time") { _, value in try await url(for: value, core: core) })
        router.get("/_oss/chatmessages/:file") { request, context in
            try await download(request, file: try context.parameters.require("file"), core: core)
        }
    }

    static func url(for time: String, core: EasemobCore) async throws -> Response {
        let appKey = core.appKey
        guard let hour = HourKey(time, offsetSeconds: core.offsetSeconds) else {
            throw EasemobError.illegalArgument("illegal arguments: appkey: \(appKey), time: \(time)")
        }
        let now = core.clock.nowMs
        let configuration = core.configuration
        let expired = hour.startMs < now - Int64(configuration.historyRetentionHours) * 3_600_000
        let ungenerated = hour.endMs + Int64(configuration.generationDelayHours) * 3_600_000 > now
        if expired || ungenerated {
            throw EasemobError.illegalArgument(
                "illegal arguments: appkey: \(appKey), time: \(time), maybe chat message history is expired or unstored"
            )
        }
        guard core.snapshot.hours[hour.text] != nil else { throw EasemobError.noHistory(appKey: appKey, hour: time) }
        let expires = now / 1000 + Int64(configuration.signedURLTTL)
        let name = "\(hour.text).gz"
        let signature = sign(name: name, expires: expires, key: configuration.signingKey)
        let url =
            "\(core.baseURL)/_oss/chatmessages/\(name)?Expires=\(expires)&OSSAccessKeyId=emu&Signature=\(percentEncoded(signature))"
        var body = core.envelope(uri: "chatmessages/\(time)", ["data": [["url": .string(url)]]])
        body.removeValue(forKey: "entities")
        body.merge(core.appFields) { _, new in new }
        return core.reply(body)
    }

    /// Base64 HMAC-SHA256 of `GET\n<name>\n<expires>` under `key`.
    static func sign(name: String, expires: Int64, key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("GET\n\(name)\n\(expires)".utf8), using: SymmetricKey(data: Data(key.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// `text` with everything but unreserved characters percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func download(_ request: Request, file: String, core: EasemobCore) async throws -> Response {
        let query = request.uri.queryParameters
        let now = core.clock.nowMs
        guard let expires = query.get("Expires").flatMap({ Int64($0) }), let signature = query.get("Signature"),
            signature == sign(name: file, expires: expires, key: core.configuration.signingKey)
        else {
            return EasemobReply.ossError(
                status: .forbidden, code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match the signature you provided.")
        }
        guard now / 1000 <= expires else {
            return EasemobReply.ossError(
                status: .forbidden, code: "AccessDenied", message: "Request has expired.",
                extra: [("Expires", iso(expires * 1000)), ("ServerTime", iso(now))])
        }
        guard file.hasSuffix(".gz"), let hour = core.snapshot.hours[String(file.dropLast(3))],
            let stored = FileManager.default.contents(atPath: hour.path)
        else {
            return EasemobReply.ossError(
                status: .notFound, code: "NoSuchKey", message: "The specified key does not exist.")
        }
        let bytes = Gzip.isGzip(stored) ? stored : try Gzip.compress(stored)
        guard await core.state.nextDownloadIsTruncated() else {
            return EasemobReply.bytes(bytes, contentType: "application/x-gzip")
        }
        return truncated(bytes)
    }

    /// A response promising all of `bytes` that sends half of them and closes the connection.
    static func truncated(_ bytes: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-gzip"
        let half = ByteBuffer(bytes: bytes.prefix(bytes.count / 2))
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(half)
                throw TruncatedDownload()
            })
    }

    /// ISO 8601 UTC text of Unix milliseconds.
    static func iso(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
