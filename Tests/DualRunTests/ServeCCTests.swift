import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// NIM → old: `/nim/cc` over loopback, forwarded to a live old server.
@Suite struct ServeCCTests {
    static func headers(
        _ body: Data, time: Int64 = StateDatabase.wallClockMillis(), secret: String = ServeFixture.secret
    )
        -> [String: String]
    {
        let md5 = CheckSum.md5Hex(body)
        return [
            "Content-Type": "application/json", "AppKey": "servekey", "CurTime": String(time), "MD5": md5,
            "CheckSum": CheckSum.sha1Hex(secret + md5 + String(time)),
        ]
    }

    static func ccBody(_ msgid: String, rest: Bool = false) -> Data {
        Data(
            ("{\"eventType\":\"1\",\"convType\":\"PERSON\",\"fromAccount\":\"user1\",\"to\":\"user0\","
                + "\"msgType\":\"TEXT\",\"body\":\"hi\",\"msgidServer\":\"\(msgid)\","
                + "\"fromClientType\":\"\(rest ? "REST" : "IOS")\",\"msgTimestamp\":\"1700000000000\"}").utf8)
    }

    @Test func forgedRefusedValidForwardedOnceWhenDeliveredThreeTimes() async throws {
        let old = try await OldServer.start(failing: 1)
        defer { old.stop() }
        try await ServeFixture.with(oldServerURL: old.url) { fixture in
            let body = Self.ccBody("900001")
            var badMD5 = Self.headers(body)
            badMD5["MD5"] = CheckSum.md5Hex(Data("other".utf8))
            var badCheckSum = Self.headers(body)
            badCheckSum["CheckSum"] = String(repeating: "0", count: 40)
            let stale = Self.headers(body, time: StateDatabase.wallClockMillis() - 6 * 60_000)
            let forgedSecret = Self.headers(body, secret: "guessed")
            for headers in [badMD5, badCheckSum, stale, forgedSecret] {
                let reply = try await fixture.call("POST", "/nim/cc", body: body, headers: headers, token: nil)
                #expect(reply.status == 403)
            }
            // A body altered after signing.
            let tampered = try await fixture.call(
                "POST", "/nim/cc", body: Self.ccBody("900002"), headers: Self.headers(body), token: nil)
            #expect(tampered.status == 403)
            for _ in 0..<3 {
                let reply = try await fixture.call(
                    "POST", "/nim/cc", body: body, headers: Self.headers(body), token: nil)
                #expect(reply.status == 200)
            }
            // The console's probe.
            let probe = Data("{}".utf8)
            #expect(
                try await fixture.call("POST", "/nim/cc", body: probe, headers: Self.headers(probe), token: nil).status
                    == 200)
            let health = try await fixture.drained()
            #expect(health["forwarded"]?.int == 1)
            try await Task.sleep(for: .milliseconds(300))
            #expect(old.received.withLock { $0 } == [body])
        }
    }

    @Test func doesNotEchoWhatTheBridgeSent() async throws {
        let old = try await OldServer.start()
        defer { old.stop() }
        try await ServeFixture.with(oldServerURL: old.url) { fixture in
            try await fixture.post([ServeFixture.p2p(1, from: "User0", to: "User1", text: "from the old app")])
            _ = try await fixture.drained()
            let sent = try #require(try await fixture.nimMessages().first?["msgid"]?.int)
            let echo = Self.ccBody(String(sent), rest: true)
            #expect(
                try await fixture.call("POST", "/nim/cc", body: echo, headers: Self.headers(echo), token: nil).status
                    == 200
            )
            let other = Self.ccBody("777", rest: true)
            #expect(
                try await fixture.call("POST", "/nim/cc", body: other, headers: Self.headers(other), token: nil).status
                    == 200)
            let health = try await fixture.drained()
            #expect(health["forwarded"]?.int == 1)
            #expect(old.received.withLock { $0 } == [other])
        }
    }
}
