import Foundation
import MigrationCore
import NIMEmulator
import Testing

@testable import DualRun

/// Old → NIM: received messages reach the emulator once each, with NIM ids.
@Suite struct ServeBridgeTests {
    @Test func sendsEachMessageOnceWithMappedIDs() async throws {
        try await ServeFixture.with(dependencyWait: 0) { fixture in
            try Data("PNGBYTES".utf8).write(to: URL(fileURLWithPath: fixture.dir + "/export/cat.png"))
            let image =
                "{\"data\":{\"msgid\":3,\"from\":\"User2\",\"to\":\"User3\",\"createTime\":1700000000003,"
                + "\"attach\":{\"url\":\"cat.png\",\"name\":\"cat.png\",\"ext\":\"png\",\"w\":1,\"h\":1}},\"type\":1}"
            let receipt = try await fixture.post([
                ServeFixture.p2p(1, from: "User0", to: "User1", text: "hello"),
                ServeFixture.team(2, from: "User1", text: "hi team"),
                image,
                ServeFixture.p2p(4, from: "User0", to: "ghost", text: "to nobody"),
                ServeFixture.p2p(5, from: "User0", to: "User1", text: "old", time: 1_500_000_000_000),
                ServeFixture.p2p(1, from: "User0", to: "User1", text: "hello"),
            ])
            #expect(receipt["stored"]?.int == 4)
            #expect(receipt["duplicates"]?.int == 1)
            #expect(receipt["before_cutoff"]?.int == 1)
            let again = try await fixture.post([ServeFixture.p2p(1, from: "User0", to: "User1", text: "hello")])
            #expect(again["duplicates"]?.int == 1)
            let health = try await fixture.drained()
            #expect(health["sent"]?.int == 3)
            let messages = try await fixture.nimMessages()
            #expect(messages.count == 3)
            let text = try #require(messages.first { $0["type"]?.int == 0 && $0["ope"]?.int == 0 })
            #expect(text["from"]?.string == "user0")
            #expect(text["to"]?.string == "user1")
            #expect(text["body"]?.string == "{\"msg\":\"hello\"}")
            let team = try #require(messages.first { $0["ope"]?.int == 1 })
            #expect(team["to"]?.string == fixture.tid)
            let picture = try #require(messages.first { $0["type"]?.int == 1 })
            let body = try JSONValue.parse(Data((picture["body"]?.string ?? "").utf8))
            #expect(body["url"]?.string?.contains("/_files/") == true)
            #expect(body["md5"]?.string == CheckSum.md5Hex(Data("PNGBYTES".utf8)))
            #expect(body["size"]?.int == 8)
        }
    }

    @Test func refusesBadRequests() async throws {
        try await ServeFixture.with { fixture in
            let line = Data(ServeFixture.p2p(1, from: "User0", to: "User1", text: "x").utf8)
            #expect(try await fixture.call("POST", "/old/messages", body: line, token: nil).status == 401)
            #expect(try await fixture.call("POST", "/old/messages", body: line, token: "wrong").status == 401)
            #expect(try await fixture.call("GET", "/incremental", token: nil).status == 401)
            let bad = try await fixture.call("POST", "/old/messages", body: Data("{nope".utf8))
            #expect(bad.status == 400)
            #expect(bad.json["desc"]?.string == "body is not JSON")
            let noID = try await fixture.call(
                "POST", "/old/messages",
                body: Data("{\"data\":{\"from\":\"a\",\"to\":\"b\",\"body\":\"x\"},\"type\":0}".utf8))
            #expect(noID.status == 400)
            #expect(try await fixture.call("POST", "/old/messages", body: line).status == 200)
            let health = try await fixture.call("GET", "/healthz", token: nil)
            #expect(health.status == 200)
            #expect(health.json["status"]?.string == "ok")
            for key in ["queued", "oldest_unsent_ms", "sent", "forwarded"] { #expect(health.json[key]?.int != nil) }
        }
    }

    /// Easemob's callback / history-file shape is accepted beside the canonical one.
    @Test func acceptsEasemobShapedMessages() async throws {
        try await ServeFixture.with { fixture in
            let chat =
                "{\"callId\":\"c1\",\"eventType\":\"chat\",\"msg_id\":\"339681410363163772\",\"timestamp\":\"1700000000100\","
                + "\"chat_type\":\"chat\",\"from\":\"admin@easemob.com\",\"to\":\"User1\",\"payload\":{\"bodies\":"
                + "[{\"msg\":\"from easemob\",\"type\":\"txt\"}],\"ext\":{\"k\":\"v\"},\"from\":\"User0\",\"to\":\"User1\"}}"
            let group =
                "{\"msg_id\":\"5I02W-XX-8278a\",\"timestamp\":1700000000200,\"chat_type\":\"groupchat\",\"group_id\":\"g1\","
                + "\"payload\":{\"bodies\":[{\"addr\":\"西便门\",\"lat\":39.9,\"lng\":116.3,\"type\":\"loc\"}],"
                + "\"from\":\"User2\",\"to\":\"g1\"}}"
            let typing =
                "{\"msg_id\":\"9\",\"timestamp\":1700000000150,\"chat_type\":\"chat\",\"payload\":{\"bodies\":"
                + "[{\"action\":\"typing\",\"type\":\"cmd\"}],\"from\":\"User0\",\"to\":\"User1\"}}"
            let receipt = try await fixture.post([chat, typing, group])
            #expect(receipt["stored"]?.int == 2)
            #expect(receipt["ignored"]?.int == 1, "a command message is acknowledged, not stored, and fails nothing")
            let health = try await fixture.drained()
            #expect(health["sent"]?.int == 2)
            let messages = try await fixture.nimMessages()
            let text = try #require(messages.first { $0["ope"]?.int == 0 })
            #expect(text["from"]?.string == "user0")
            #expect(text["body"]?.string == "{\"msg\":\"from easemob\"}")
            let ext = try JSONValue.parse(Data((text["ext"]?.string ?? "").utf8))
            #expect(ext["k"]?.string == "v")
            let location = try #require(messages.first { $0["ope"]?.int == 1 })
            #expect(location["type"]?.int == 4)
            #expect(location["to"]?.string == fixture.tid)
            let page = try await fixture.call("GET", "/incremental")
            let lines = page.json["data"]?.array ?? []
            #expect(lines.count == 2)
            #expect(lines.first?["data"]?["msgid"]?.int == 339_681_410_363_163_772)
            #expect(lines.last?["data"]?["msgid"]?.int == HistoryNormalizer.stableID("5I02W-XX-8278a"))
        }
    }

    /// An Easemob image whose file is restricted: fetched with its `share-secret`, re-hosted, sent.
    @Test func rehostsARestrictedEasemobFileWithItsShareSecret() async throws {
        try await ServeFixture.with { fixture in
            var cdnConfig = EmulatorConfiguration(appSecret: "cdn")
            cdnConfig.port = 0
            cdnConfig.fileSecret = "s3cret"
            let cdn = try await EmulatorServer.start(cdnConfig)
            let uploader = NIMClient(
                .init(endpoint: cdn.baseURL + "/nimserver", appKey: "cdn", secret: Secret("cdn")), calls: CallRecorder()
            )
            let bytes = Data((0..<777).map { UInt8($0 % 97) })
            let url = try #require(
                try await uploader.send(.uploadFile(bytes, name: "p.png", type: "png"), stage: .files)["url"]?.string)
            await uploader.shutdown()
            let image =
                "{\"msg_id\":\"77\",\"timestamp\":1700000000300,\"chat_type\":\"chat\",\"payload\":{\"bodies\":"
                + "[{\"type\":\"img\",\"url\":\"\(url)\",\"secret\":\"s3cret\",\"filename\":\"p.png\"}],"
                + "\"from\":\"User0\",\"to\":\"User1\"}}"
            #expect(try await fixture.post([image])["stored"]?.int == 1)
            #expect(try await fixture.drained()["sent"]?.int == 1)
            let sent = try #require(try await fixture.nimMessages().first { $0["type"]?.int == 1 })
            let attach = try JSONValue.parse(Data((sent["body"]?.string ?? "").utf8))
            #expect(attach["url"]?.string?.hasPrefix(fixture.emulator.baseURL + "/_files/") == true)
            #expect(attach["md5"]?.string == CheckSum.md5Hex(bytes))
            await cdn.shutdown()
        }
    }

    /// A message whose sendMsg reached NIM but whose outcome was never recorded (the process died
    /// with the call in flight) is found in NIM's history on restart and not sent again.
    @Test func reconcilesAnInFlightMessageInsteadOfResending() async throws {
        let fixture = try await ServeFixture.make()
        await fixture.server.shutdown()
        let store = try ServeStore(path: fixture.settings.storePath)
        let lines = [
            ServeFixture.p2p(11, from: "User0", to: "User1", text: "same"),
            ServeFixture.p2p(12, from: "User0", to: "User1", text: "same"),
        ]
        let messages = try lines.map { line in
            try SourceMessage.read(JSONValue.parse(Data(line.utf8))).get()
        }
        _ = try await store.receive(messages, cutoff: 0, now: StateDatabase.wallClockMillis())
        let claim = try #require(try await store.claim(now: StateDatabase.wallClockMillis()))
        // The first message's call reached NIM; then the process "died".
        let normalizer = HistoryNormalizer(
            mapping: .init(user: { .migrated($0.lowercased()) }, team: { _ in nil }, file: { _ in nil }))
        guard case .message(let mapped, _, _) = normalizer.normalize(Data(lines[0].utf8)) else {
            Issue.record("line not normalised")
            return
        }
        let outgoing = try #require(OutgoingMessage(mapped, sourceKey: claim.message.key))
        _ = try await fixture.client.send(outgoing.request, stage: .history)
        let restarted = try await fixture.restarted()
        #expect(restarted.server.resumed == 1)
        let health = try await restarted.drained()
        #expect(health["sent"]?.int == 2)
        let sent = try await restarted.nimMessages()
        #expect(sent.count == 2)
        await restarted.stop()
    }
}
