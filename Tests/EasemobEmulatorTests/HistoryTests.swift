import Foundation
import Testing

@testable import EasemobEmulator

@Suite struct HistoryTests {
    static let base = "/easemob-demo/chatdemoui/chatmessages/"

    @Test func anHourInRangeGivesASignedURLServingTheStoredFile() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get(Self.base + "2017060517", token: token)
            #expect(reply.status == 200)
            #expect(reply.keys == (try exampleKeys("chatmessages-download-url.json")))
            let url = try #require((reply.dataArray.first as? [String: String])?["url"])
            #expect(url.contains("/_oss/chatmessages/2017060517.gz?Expires="))
            #expect(url.contains("&OSSAccessKeyId=emu&Signature="))
            let expires = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "Expires" }?.value)
            let stamp = try #require(reply.json["timestamp"] as? Int)
            #expect(Int(expires) == stamp / 1000 + 1800)
            let download = try await caller.get(try pathAndQuery(url))
            #expect(download.status == 200)
            let stored = try Data(contentsOf: URL(fileURLWithPath: sampleExport + "/chatmessages/2017060517.gz"))
            #expect(download.bytes == stored)
        }
    }

    @Test func theVirtualNowStartsADayAfterTheNewestHour() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get("/easemob-demo/chatdemoui/users", token: token)
            let stamp = try #require(reply.json["timestamp"] as? Int)
            // 2017060518 in +08:00 ends at 2017-06-05T11:00Z = 1496660400000; plus 26 h.
            #expect(stamp >= 1_496_660_400_000 + 26 * 3_600_000)
            #expect(stamp < 1_496_660_400_000 + 27 * 3_600_000)
        }
    }

    @Test(arguments: [
        ("2017060112", 400, "illegal_argument", ", maybe chat message history is expired or unstored"),
        ("2017060620", 400, "illegal_argument", ", maybe chat message history is expired or unstored"),
        ("2017060610", 404, "storage_object_not_found", ""),
        ("20170605", 400, "illegal_argument", ""),
        ("2017063125", 400, "illegal_argument", ""),
    ])
    func hoursOutOfRangeOrEmptyAnswerAsDocumented(hour: String, status: Int, error: String, tail: String) async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get(Self.base + hour, token: token)
            #expect(reply.status == status)
            #expect(reply.json["error"] as? String == error)
            let description = reply.json["error_description"] as? String
            if status == 404 {
                #expect(
                    description
                        == "Failed to find chat message history download url for appkey: easemob-demo#chatdemoui, time: \(hour)"
                )
            } else {
                #expect(description == "illegal arguments: appkey: easemob-demo#chatdemoui, time: \(hour)\(tail)")
            }
        }
    }

    @Test func anExpiredOrForgedSignedURLIsRefusedLikeAnObjectStore() async throws {
        try await withEmulator(sampleConfiguration { $0.signedURLTTL = 5 }) { caller in
            let token = try await caller.token()
            let reply = try await caller.get(Self.base + "2017060518", token: token)
            let url = try pathAndQuery(try #require((reply.dataArray.first as? [String: String])?["url"]))
            let forged = url.replacingOccurrences(of: "Expires=", with: "Expires=9")
            let refused = try await caller.get(forged)
            #expect(refused.status == 403)
            #expect(refused.text.contains("<Code>SignatureDoesNotMatch</Code>"))
            _ = try await caller.post("/_emulator/clock?advance=6")
            let expired = try await caller.get(url)
            #expect(expired.status == 403)
            #expect(expired.text.contains("<Code>AccessDenied</Code>"))
            #expect(expired.text.contains("<Message>Request has expired.</Message>"))
        }
    }

    @Test func plainHourFilesAreServedGzipped() async throws {
        // 2017060508 (UTC) is the corpus's newest hour; the clock starts 26 h after its end.
        try await withEmulator(corpusConfiguration()) { caller in
            let token = try await caller.token(org: "XXXX", app: "testapp")
            let reply = try await caller.get("/XXXX/testapp/chatmessages/2017060508", token: token)
            #expect(reply.status == 200)
            let url = try #require((reply.dataArray.first as? [String: String])?["url"])
            let download = try await caller.get(try pathAndQuery(url))
            #expect(download.bytes.prefix(2) == Data([0x1F, 0x8B]))
            var text = Data()
            try Gzip.inflateChunks(download.bytes) { text.append($0) }
            let stored = try Data(contentsOf: URL(fileURLWithPath: corpusExport + "/chatmessages/2017060508"))
            #expect(text == stored)
            let old = try await caller.get("/XXXX/testapp/chatmessages/2014061813", token: token)
            #expect(old.status == 400)
        }
    }

    @Test func theDownloadNeedsNoTokenAndTheLogSaysWhetherOneWasSent() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get(Self.base + "2017060517", token: token)
            let url = try pathAndQuery(try #require((reply.dataArray.first as? [String: String])?["url"]))
            #expect(try await caller.get(url).status == 200)
            let traffic = try await caller.get("/_emulator/traffic")
            let requests = try #require(traffic.json["requests"] as? [[String: Any]])
            let download = try #require(requests.last)
            #expect(download["family"] as? String == "download")
            #expect(download["authorization"] as? Bool == false)
            #expect(requests.first { $0["family"] as? String == "history" }?["authorization"] as? Bool == true)
        }
    }
}
