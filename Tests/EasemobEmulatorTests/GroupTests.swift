import Foundation
import Testing

@testable import EasemobEmulator

@Suite struct GroupTests {
    @Test func groupListHasThePublishedShapeWithAppKeyPrefixedOwners() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let first = try await caller.get("/easemob-demo/chatdemoui/chatgroups?limit=1", token: token)
            #expect(first.status == 200)
            #expect(first.keys == (try exampleKeys("chatgroups-list.json")))
            let item = try #require(first.dataArray.first as? [String: Any])
            #expect(Set(item.keys) == ["owner", "groupid", "affiliations", "type", "lastModified", "groupname"])
            #expect(item["owner"] as? String == "easemob-demo#chatdemoui_alice")
            #expect(item["groupid"] as? String == "1234567890001")
            let cursor = try #require(first.json["cursor"] as? String)
            let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
            let second = try await caller.get(
                "/easemob-demo/chatdemoui/chatgroups?limit=1&cursor=\(encoded)", token: token)
            #expect((second.dataArray.first as? [String: Any])?["owner"] as? String == "easemob-demo#chatdemoui_Bob")
            #expect(second.json["cursor"] == nil)
        }
    }

    @Test func savedListPagesComeFirstThenFolders() async throws {
        try await withEmulator(corpusConfiguration()) { caller in
            let token = try await caller.token(org: "XXXX", app: "testapp")
            let reply = try await caller.get("/XXXX/testapp/chatgroups?limit=100", token: token)
            let ids = reply.dataArray.compactMap { ($0 as? [String: Any])?["groupid"] as? String }
            #expect(ids == ["10XXXX60", "10XXXX76", "18XXXX3", "XXXX"])
        }
    }

    @Test func detailsInBatchWithTheDocumentedEnvelope() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get(
                "/easemob-demo/chatdemoui/chatgroups/1234567890001,1234567890002,999", token: token)
            #expect(reply.status == 200)
            #expect(reply.keys == (try exampleKeys("chatgroup-details.json")))
            let data = reply.dataArray.compactMap { $0 as? [String: Any] }
            #expect(data.map { $0["id"] as? String } == ["1234567890001", "1234567890002", "999"])
            #expect(data[0]["name"] as? String == "产品讨论")
            #expect(data[2]["error"] as? String == "group id doesn't exist")
            let single = try await caller.get("/easemob-demo/chatdemoui/chatgroups/999", token: token)
            #expect(single.failure == EasemobFailure(404, "resource_not_found", "grpID 999 does not exist!"))
        }
    }

    @Test func membersPageByNumberUntilCountFallsShort() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            var members: [String] = []
            var counts: [Int] = []
            for page in 1...3 {
                let reply = try await caller.get(
                    "/easemob-demo/chatdemoui/chatgroups/1234567890001/users?pagenum=\(page)&pagesize=3&joined_time=true",
                    token: token)
                #expect(reply.status == 200)
                #expect(reply.keys == (try exampleKeys("chatgroup-members-joined-time.json")))
                #expect(
                    reply.json["params"] as? [String: [String]] == [
                        "pagenum": ["\(page)"], "pagesize": ["3"], "joined_time": ["true"],
                    ])
                counts.append(reply.json["count"] as? Int ?? -1)
                members += reply.dataArray.compactMap { entry in
                    let entry = entry as? [String: String]
                    return entry?["owner"] ?? entry?["member"]
                }
                if counts.last ?? 0 < 3 { break }
            }
            #expect(counts == [3, 1])
            #expect(members == ["easemob-demo#chatdemoui_alice", "Bob", "carol", "zly_test_1"])
        }
    }

    @Test func membersFallBackToAffiliationsAndUnknownGroupsAnswerAsDocumented() async throws {
        try await withEmulator(corpusConfiguration()) { caller in
            let token = try await caller.token(org: "XXXX", app: "testapp")
            let reply = try await caller.get("/XXXX/testapp/chatgroups/XXXX/users", token: token)
            #expect(reply.dataArray.count == 2)
            let unknown = try await caller.get("/XXXX/testapp/chatgroups/10XXXX60/users", token: token)
            #expect(
                unknown.failure == EasemobFailure(404, "service_resource_not_found", "do not find this group:10XXXX60"))
        }
    }

    @Test func adminsAndMutesHaveThePublishedShapes() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let admins = try await caller.get("/easemob-demo/chatdemoui/chatgroups/1234567890001/admin", token: token)
            #expect(admins.keys == (try exampleKeys("chatgroup-admins.json")))
            #expect(admins.dataArray as? [String] == ["Bob"])
            let mutes = try await caller.get("/easemob-demo/chatdemoui/chatgroups/1234567890001/mute", token: token)
            #expect(mutes.keys == (try exampleKeys("chatgroup-mutes.json")))
            #expect((mutes.dataArray.first as? [String: Any])?["user"] as? String == "carol")
            let none = try await caller.get("/easemob-demo/chatdemoui/chatgroups/1234567890002/mute", token: token)
            #expect(none.dataArray.isEmpty)
        }
    }

    @Test func aGroupDeletedBetweenListAndDetailAnswers404() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            _ = try await caller.post("/_emulator/delete-group?id=1234567890002")
            let details = try await caller.get("/easemob-demo/chatdemoui/chatgroups/1234567890002", token: token)
            #expect(details.status == 404)
            let admins = try await caller.get("/easemob-demo/chatdemoui/chatgroups/1234567890002/admin", token: token)
            #expect(admins.status == 404)
            let list = try await caller.get("/easemob-demo/chatdemoui/chatgroups", token: token)
            #expect(list.json["count"] as? Int == 1)
        }
    }
}
