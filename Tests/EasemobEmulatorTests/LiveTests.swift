import EasemobEmulator
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupportKit
import Testing

@Suite struct LiveTests {
    /// One request on a fresh connection to the running server.
    static func request(
        _ server: EasemobEmulatorServer, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:],
        body: ByteBuffer? = nil
    ) async throws -> Reply {
        try await liveSender(port: server.port)(method, uri, headers, body)
    }

    /// A token from the running server.
    static func token(_ server: EasemobEmulatorServer) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: [
            "grant_type": "client_credentials", "client_id": testClientID, "client_secret": testSecret,
        ])
        let reply = try await request(
            server, .post, "/easemob-demo/chatdemoui/token", headers: [.contentType: "application/json"],
            body: ByteBuffer(bytes: body))
        return try #require(reply.json["access_token"] as? String)
    }

    @Test func startsOnAFreePortServesAndStops() async throws {
        let server = try await EasemobEmulatorServer.start(sampleConfiguration())
        #expect(server.port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
        let token = try await Self.token(server)
        let reply = try await Self.request(
            server, .get, "/easemob-demo/chatdemoui/chatmessages/2017060517",
            headers: [.authorization: "Bearer \(token)"])
        let url = try #require((reply.dataArray.first as? [String: String])?["url"])
        #expect(url.hasPrefix(server.baseURL + "/_oss/chatmessages/2017060517.gz?"))
        await server.shutdown()
    }

    @Test func theNthDownloadIsCutShort() async throws {
        let server = try await EasemobEmulatorServer.start(sampleConfiguration { $0.truncateDownload = 2 })
        let token = try await Self.token(server)
        let reply = try await Self.request(
            server, .get, "/easemob-demo/chatdemoui/chatmessages/2017060517",
            headers: [.authorization: "Bearer \(token)"])
        let url = try pathAndQuery(try #require((reply.dataArray.first as? [String: String])?["url"]))
        let stored = try Data(contentsOf: URL(fileURLWithPath: sampleExport + "/chatmessages/2017060517.gz"))
        let first = try await Self.request(server, .get, url)
        #expect(first.bytes == stored)
        let second = try? await Self.request(server, .get, url)
        #expect(second == nil || second?.bytes.count ?? 0 < stored.count)
        let third = try await Self.request(server, .get, url)
        #expect(third.bytes == stored)
        await server.shutdown()
    }

    @Test func anOutageInCutModeClosesConnections() async throws {
        let server = try await EasemobEmulatorServer.start(sampleConfiguration())
        _ = try await Self.request(server, .post, "/_emulator/outage?seconds=30&mode=cut")
        let cut = try? await Self.request(server, .get, "/easemob-demo/chatdemoui/users")
        #expect(cut == nil)
        _ = try await Self.request(server, .post, "/_emulator/outage?seconds=0")
        let token = try await Self.token(server)
        let served = try await Self.request(
            server, .get, "/easemob-demo/chatdemoui/users", headers: [.authorization: "Bearer \(token)"])
        #expect(served.status == 200)
        await server.shutdown()
    }

    @Test func anUnreadableExportDoesNotStart() async throws {
        var configuration = sampleConfiguration()
        configuration.exportPath = "/nonexistent/export"
        await #expect(throws: EasemobEmulatorServer.StartError.self) {
            _ = try await EasemobEmulatorServer.start(configuration)
        }
    }
}
