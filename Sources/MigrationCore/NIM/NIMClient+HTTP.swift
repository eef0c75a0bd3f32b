internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

extension NIMClient {
    /// The signed HTTP request for a NIM request.
    func build(_ request: NIMRequest) throws(CallFailure) -> HTTPClientRequest {
        let base = request.v2 ? configuration.v2Endpoint : configuration.endpoint
        guard let base else {
            throw CallFailure(code: 0, desc: "target.v2_endpoint is not configured", endpoint: request.endpointName)
        }
        let separator = request.v2 || base.hasSuffix("/") ? "" : "/"
        var http = HTTPClientRequest(url: base + separator + request.path)
        http.method = HTTPMethod(rawValue: request.method)
        let nonce = CheckSum.nonce()
        let curTime = String(Int(Date().timeIntervalSince1970))
        http.headers.add(name: "AppKey", value: configuration.appKey)
        http.headers.add(name: "Nonce", value: nonce)
        http.headers.add(name: "CurTime", value: curTime)
        http.headers.add(
            name: "CheckSum", value: CheckSum.make(secret: configuration.secret, nonce: nonce, curTime: curTime))
        switch request.body {
        case .form(let fields):
            http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded;charset=utf-8")
            http.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        case .multipart(let fields, let fileName, let content):
            let boundary = "nim-migrate-" + CheckSum.nonce()
            http.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
            http.body = .bytes(
                ByteBuffer(
                    bytes: FormEncoding.multipart(fields, fileName: fileName, content: content, boundary: boundary)))
        case .json(let json):
            http.headers.add(name: "Content-Type", value: "application/json;charset=utf-8")
            http.body = .bytes(ByteBuffer(string: json.text))
        }
        return http
    }

    /// Whether a transport error means the request never left this process (safe to repeat).
    static func neverSent(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return [.connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout].contains(error)
        }
        if error is NIOConnectionError { return true }
        return describe(error).contains("Connection refused")
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}

/// Form and multipart bodies.
enum FormEncoding {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `application/x-www-form-urlencoded`, UTF-8, spaces as %20.
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            (key.addingPercentEncoding(withAllowedCharacters: unreserved) ?? key) + "="
                + (value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")
        }.joined(separator: "&")
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
