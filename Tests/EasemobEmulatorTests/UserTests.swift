import Foundation
import TestSupportKit
import Testing

@testable import EasemobEmulator

@Suite struct UserTests {
    /// All usernames of the user list, page by page with `limit`.
    static func pages(_ caller: Caller, token: String, limit: Int) async throws -> [[String]] {
        var pages: [[String]] = []
        var cursor: String?
        repeat {
            var uri = "/easemob-demo/chatdemoui/users?limit=\(limit)"
            if let cursor {
                uri += "&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)"
            }
            let reply = try await caller.get(uri, token: token)
            #expect(reply.status == 200)
            let names = (reply.json["entities"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
            #expect(reply.json["count"] as? Int == names.count)
            pages.append(names)
            cursor = reply.json["cursor"] as? String
        } while cursor != nil && pages.count < 20
        return pages
    }

    @Test func cursorPagesCoverEveryUserOnceInFileOrder() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let pages = try await Self.pages(caller, token: token, limit: 3)
            #expect(pages.map(\.count) == [3, 3, 1])
            #expect(pages.flatMap { $0 } == ["alice", "Bob", "carol", "dave", "zly_test_1", "zly_test_2", "erin"])
        }
    }

    @Test func pageHasTheKeysOfThePublishedExamples() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let first = try await caller.get("/easemob-demo/chatdemoui/users?limit=2", token: token)
            #expect(first.keys == (try exampleKeys("users-list-page-params.json")))
            let entity = try #require((first.json["entities"] as? [[String: Any]])?.first)
            #expect(entity["uuid"] as? String == "uuid-0")
            #expect(first.json["params"] as? [String: [String]] == ["limit": ["2"]])
            let last = try await caller.get("/easemob-demo/chatdemoui/users?limit=100", token: token)
            #expect(last.keys == (try exampleKeys("users-list-page.json")).union(["params"]).subtracting(["cursor"]))
        }
    }

    @Test func lastPageQuirkCarriesACursorToAnEmptyPage() async throws {
        try await withEmulator(sampleConfiguration { $0.lastPageCursor = true }) { caller in
            let token = try await caller.token()
            let pages = try await Self.pages(caller, token: token, limit: 4)
            #expect(pages.map(\.count) == [4, 3, 0])
        }
    }

    @Test func limitIsClampedToOneHundred() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get("/easemob-demo/chatdemoui/users?limit=500", token: token)
            #expect(reply.json["count"] as? Int == 7)
            let one = try await caller.get("/easemob-demo/chatdemoui/users?limit=0", token: token)
            #expect(one.json["count"] as? Int == 1)
            #expect(one.json["cursor"] != nil)
        }
    }

    @Test func attributesComeInTheBatchShapeAndMissingUsersGetAnEmptyObject() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.post(
                "/easemob-demo/chatdemoui/metadata/user/get",
                json: ["targets": ["alice", "Bob", "carol", "nobody"], "properties": []], token: token)
            #expect(reply.status == 200)
            #expect(reply.keys == (try exampleKeys("user-attributes-batch.json")))
            let data = try #require(reply.json["data"] as? [String: [String: Any]])
            #expect(data["alice"]?["nickname"] as? String == "Alice 李")
            #expect(data["Bob"]?["nickname"] as? String == "Bob 王")
            #expect(data["carol"]?.isEmpty == true)
            #expect(data["nobody"]?.isEmpty == true)
            let filtered = try await caller.post(
                "/easemob-demo/chatdemoui/metadata/user/get",
                json: ["targets": ["alice"], "properties": ["nickname", "avatarurl"]], token: token)
            let alice = try #require((filtered.json["data"] as? [String: [String: Any]])?["alice"])
            #expect(Set(alice.keys) == ["nickname", "avatarurl"])
        }
    }

    @Test func moreThanOneHundredTargetsAreRefused() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let targets = (0...100).map { "u\($0)" }
            let reply = try await caller.post(
                "/easemob-demo/chatdemoui/metadata/user/get", json: ["targets": targets], token: token)
            #expect(reply.status == 400)
            #expect(reply.json["error"] as? String == "illegal_argument")
        }
    }
}
