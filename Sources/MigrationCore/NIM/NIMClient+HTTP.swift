internal import Foundation
internal import NIOCore
internal import NIOHTTP1

extension NIMClient {
    /// Where one endpoint's requests go: its server's connections and the endpoint's path.
    struct Route: Sendable {
        var pool: OriginPool
        var basePath: String
    }

    /// A signed request, ready for its connection.
    struct PreparedCall {
        var pool: OriginPool
        var head: HTTPRequestHead
        var body: ByteBuffer
    }

    /// The signed HTTP request for a NIM request: the head's headers, and the body built straight
    /// into one buffer.
    func prepare(_ request: NIMRequest) throws(CallFailure) -> PreparedCall {
        guard let route = request.v2 ? routes.v2 : routes.v1 else {
            let key = request.v2 ? "target.v2_endpoint" : "target.endpoint"
            let url = request.v2 ? configuration.v2Endpoint : configuration.endpoint
            throw CallFailure(
                code: 0, desc: url == nil ? "\(key) is not configured" : "\(key) is not an http(s) URL",
                endpoint: request.endpointName)
        }
        let uri = route.basePath + (request.v2 ? request.path : "/" + request.path)
        let nonce = CheckSum.nonce()
        let curTime = String(time(nil))
        var headers = HTTPHeaders()
        headers.reserveCapacity(8)
        headers.add(name: "Host", value: route.pool.hostHeader)
        headers.add(name: "AppKey", value: configuration.appKey)
        headers.add(name: "Nonce", value: nonce)
        headers.add(name: "CurTime", value: curTime)
        headers.add(
            name: "CheckSum", value: CheckSum.make(secret: configuration.secret, nonce: nonce, curTime: curTime))
        var body = ByteBuffer()
        switch request.body {
        case .form(let fields):
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded;charset=utf-8")
            FormEncoding.encode(fields, into: &body)
        case .multipart(let fields, let fileName, let content):
            let boundary = "nim-migrate-" + CheckSum.nonce()
            headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
            body.writeBytes(FormEncoding.multipart(fields, fileName: fileName, content: content, boundary: boundary))
        case .json(let json):
            headers.add(name: "Content-Type", value: "application/json;charset=utf-8")
            body.writeString(json.text)
        }
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: uri, headers: headers)
        return PreparedCall(pool: route.pool, head: head, body: body)
    }

    /// Whether a transport error means the request never left this process (safe to repeat).
    static func neverSent(_ error: any Error) -> Bool {
        error is OriginPool.ConnectFailure
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}

/// Form and multipart bodies.
enum FormEncoding {
    /// `application/x-www-form-urlencoded`, UTF-8, spaces as %20.
    static func encode(_ fields: [(String, String)]) -> String {
        var buffer = ByteBuffer()
        encode(fields, into: &buffer)
        return String(buffer: buffer)
    }

    /// The same, written into `buffer`: every byte but A–Z a–z 0–9 `-._~` as `%XX` (upper-case hex).
    static func encode(_ fields: [(String, String)], into buffer: inout ByteBuffer) {
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "&")) }
            percentEncode(key, into: &buffer)
            buffer.writeInteger(UInt8(ascii: "="))
            percentEncode(value, into: &buffer)
        }
    }

    private static func percentEncode(_ text: String, into buffer: inout ByteBuffer) {
        let digits: StaticString = "0123456789ABCDEF"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                buffer.writeInteger(byte)
            default:
                buffer.writeInteger(UInt8(ascii: "%"))
                buffer.writeInteger(digits.utf8Start[Int(byte >> 4)])
                buffer.writeInteger(digits.utf8Start[Int(byte & 0x0F)])
            }
        }
    }

    /// `multipart/form-data` with the text fields and the file as part `content`.
    static func multipart(_ fields: [(String, String)], fileName: String, content: Data, boundary: String) -> Data {
        var data = Data()
        for (key, value) in fields {
            data.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8))
        }
        let safeName = fileName.replacingOccurrences(of: "\"", with: "_")
        data.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"\(safeName)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8))
        data.append(content)
        data.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return data
    }
}
