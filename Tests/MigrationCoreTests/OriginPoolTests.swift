import Foundation
import NIMEmulator
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import MigrationCore

/// The NIM client's own HTTP/1.1 connections (issue 27): the endpoint parsed once, bodies encoded
/// as before, connections kept alive and given back, and every way an exchange can fail.
@Suite struct OriginPoolTests {
    @Test func endpointsAreParsedOnce() throws {
        let plain = try #require(HTTPOrigin("http://127.0.0.1:8080/nimserver/"))
        #expect(!plain.tls && plain.host == "127.0.0.1" && plain.port == 8080 && plain.basePath == "/nimserver")
        #expect(plain.hostHeader == "127.0.0.1:8080" && plain.hostIsAddress)
        let tls = try #require(HTTPOrigin("HTTPS://api.netease.im/nimserver"))
        #expect(tls.tls && tls.port == 443 && tls.hostHeader == "api.netease.im" && !tls.hostIsAddress)
        let v6 = try #require(HTTPOrigin("http://[::1]:9000"))
        #expect(v6.host == "::1" && v6.port == 9000 && v6.basePath == "" && v6.hostHeader == "[::1]:9000")
        #expect(tls.sameServer(as: try #require(HTTPOrigin("https://API.netease.im:443/other"))))
        for bad in ["ftp://x", "http://", "http://user@host/", "http://host:0/", "http://host:99999", "host"] {
            #expect(HTTPOrigin(bad) == nil, "\(bad)")
        }
    }

    @Test func formBodiesArePercentEncodedAsBefore() {
        let fields = [("a b", "x&y=z+1"), ("名", "~._-AZaz09"), ("ex", "{\"k\":[1,2]}")]
        let expected = fields.map { key, value in
            let allowed = CharacterSet(
                charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
            return key.addingPercentEncoding(withAllowedCharacters: allowed)! + "="
                + value.addingPercentEncoding(withAllowedCharacters: allowed)!
        }.joined(separator: "&")
        #expect(FormEncoding.encode(fields) == expected)
        #expect(FormEncoding.encode(fields).hasPrefix("a%20b=x%26y%3Dz%2B1&%E5%90%8D=~._-AZaz09"))
    }

    @Test func noncesAreFreshHex() {
        let nonces = (0..<2000).map { _ in CheckSum.nonce() }
        #expect(Set(nonces).count == nonces.count)
        #expect(nonces.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func sequentialCallsReuseOneConnection() async throws {
        try await NIMClientTests.withClient { _, client in
            for index in 0..<20 {
                _ = try await client.send(.createUser(accid: "pooled\(index)"), stage: .users)
            }
            let pool = try #require(client.routes.v1?.pool)
            #expect(pool.idleCount == 1)
            // v2 calls go to the same server: the same pool.
            #expect(client.routes.v2?.pool === pool)
        }
    }

    @Test func aRefusedConnectionIsNeverSent() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        let pool = OriginPool(try #require(HTTPOrigin("http://127.0.0.1:\(port)")))
        await #expect {
            _ = try await pool.execute(Self.head, body: ByteBuffer(), timeout: .seconds(5))
        } throws: { error in
            NIMClient.neverSent(error)
        }
    }

    @Test func anUnansweredRequestTimesOutAndIsNotNeverSent() async throws {
        // A server that accepts and reads but never answers.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        let pool = OriginPool(try #require(HTTPOrigin("http://127.0.0.1:\(port)")))
        await #expect {
            _ = try await pool.execute(Self.head, body: ByteBuffer(string: "a=1"), timeout: .milliseconds(200))
        } throws: { error in
            (error as? ExchangeError).map { "\($0)" } == "read timed out" && !NIMClient.neverSent(error)
        }
        #expect(pool.idleCount == 0)
    }

    @Test func aKeptAliveConnectionIdleForASecondStillTimesOutItsNextRequest() async throws {
        // Answers the first request of each connection, then stays silent: the second request
        // goes on the kept-alive connection after its deadline watch stopped for idleness.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AnswerOnce())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let pool = OriginPool(try #require(HTTPOrigin("http://127.0.0.1:\(port)")))
        let first = try await pool.execute(Self.head, body: ByteBuffer(string: "a=1"), timeout: .seconds(5))
        #expect(first.status == 200 && pool.idleCount == 1)
        try await Task.sleep(for: .milliseconds(1_300))
        await #expect {
            _ = try await pool.execute(Self.head, body: ByteBuffer(string: "a=1"), timeout: .milliseconds(300))
        } throws: { error in
            (error as? ExchangeError).map { "\($0)" } == "read timed out"
        }
    }

    @Test func aTLSEndpointThatDoesNotSpeakTLSFailsToConnect() async throws {
        // https:// to a plain HTTP server (the emulator), and to one that accepts and stays silent:
        // the handshake fails, or times out, before anything is sent.
        let server = try await NIMClientTests.emulator()
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let silentPort = try #require(silent.localAddress?.port)
        let plainURL = server.baseURL.replacingOccurrences(of: "http://", with: "https://")
        for url in [plainURL, "https://127.0.0.1:\(silentPort)"] {
            let pool = OriginPool(try #require(HTTPOrigin(url)), connectTimeout: .milliseconds(500))
            await #expect {
                _ = try await pool.execute(Self.head, body: ByteBuffer(string: "a=1"), timeout: .seconds(5))
            } throws: { error in
                NIMClient.neverSent(error)
            }
        }
        await server.shutdown()
    }

    static var head: HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/nimserver/user/create.action")
        head.headers.add(name: "Content-Length", value: "3")
        return head
    }
}

/// Answers the first request of a connection with `{"code":200}` and ignores the rest.
private final class AnswerOnce: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data), !answered else { return }
        answered = true
        let body = ByteBuffer(string: #"{"code":200}"#)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
