import Foundation
import NIOCore
import Testing

@testable import NIMEmulator

@Suite struct UploadTests {
    private func path(of url: String) throws -> String {
        let components = try #require(URLComponents(string: url))
        return components.path
    }

    @Test func base64UploadIsServedBack() async throws {
        try await withRouterEmulator { caller in
            let bytes = Data((0..<1000).map { UInt8($0 % 251) })
            let first = try await caller.v1(
                "msg/upload.action", [("content", bytes.base64EncodedString()), ("type", "png")])
            #expect(first.code == 200)
            let url = try #require(first.json["url"]?.stringValue)
            #expect(url.hasPrefix("http://127.0.0.1:"))
            let served = try await caller.send(.get, try path(of: url), [:], nil)
            #expect(served.status == 200)
            #expect(served.bytes == bytes)

            let second = try await caller.v1("msg/upload.action", [("content", bytes.base64EncodedString())])
            #expect(second.json["url"]?.stringValue != url)
            let files = try #require(try await caller.dump()["files"]?.arrayValue)
            #expect(files.count == 2)
            #expect(files.first?["size"] == 1000)
            #expect(files.first?["md5"]?.stringValue?.count == 32)
        }
    }

    @Test func multipartUploadIsServedBack() async throws {
        try await withRouterEmulator { caller in
            let bytes = Data("hello\r\n--not-a-boundary\r\nworld".utf8) + Data([0, 255, 13, 10])
            let boundary = "XyZ-boundary-123"
            var body = Data()
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ntxt\r\n".utf8))
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"a.bin\"\r\n".utf8))
            body.append(Data("Content-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(bytes)
            body.append(Data("\r\n--\(boundary)--\r\n".utf8))
            var headers = signedHeaders()
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let reply = try await caller.send(
                .post, "/nimserver/msg/fileUpload.action", headers, ByteBuffer(bytes: body))
            #expect(reply.code == 200)
            let url = try #require(reply.json["url"]?.stringValue)
            let served = try await caller.send(.get, try path(of: url), [:], nil)
            #expect(served.bytes == bytes)
        }
    }

    @Test func oversizeUploadIsRefused() async throws {
        try await withRouterEmulator { caller in
            let bytes = Data(count: 15 * 1024 * 1024 + 1)
            let reply = try await caller.v1("msg/upload.action", [("content", bytes.base64EncodedString())])
            #expect(reply.code == 414)
            #expect(try await caller.dump()["files"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func unknownFileIs404() async throws {
        try await withRouterEmulator { caller in
            let reply = try await caller.send(.get, "/_files/nothing", [:], nil)
            #expect(reply.status == 404)
        }
    }
}
