import Foundation
import Testing

@testable import EasemobEmulator

@Suite struct ContactTests {
    @Test func oneShotContactsHaveTheDocumentedShape() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get("/easemob-demo/chatdemoui/users/alice/contacts/users", token: token)
            #expect(reply.status == 200)
            #expect(reply.keys == (try exampleKeys("contacts.json")))
            #expect(reply.dataArray as? [String] == ["Bob", "carol"])
            #expect(reply.json["count"] as? Int == 2)
            let paged = try await caller.get("/easemob-demo/chatdemoui/users/zly_test_1/contacts/users", token: token)
            #expect(paged.dataArray as? [String] == ["zly_test_2"])
        }
    }

    @Test func pagedContactsCarryRemarksAndTheCursorInData() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let first = try await caller.get(
                "/easemob-demo/chatdemoui/user/alice/contacts?limit=1&needReturnRemark=true", token: token)
            #expect(first.status == 200)
            #expect(first.keys == (try exampleKeys("contacts-paged-remark.json")))
            #expect((first.json["uri"] as? String)?.hasSuffix("/users/alice/rostersByPage") == true)
            let data = try #require(first.json["data"] as? [String: Any])
            let contacts = try #require(data["contacts"] as? [[String: Any]])
            #expect(contacts.count == 1)
            #expect(contacts.first?["username"] as? String == "Bob")
            #expect(contacts.first?.keys.contains("remark") == true)
            let cursor = try #require(data["cursor"] as? String)
            let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
            let second = try await caller.get(
                "/easemob-demo/chatdemoui/user/alice/contacts?limit=1&needReturnRemark=true&cursor=\(encoded)",
                token: token)
            let secondData = try #require(second.json["data"] as? [String: Any])
            #expect((secondData["contacts"] as? [[String: Any]])?.first?["username"] as? String == "carol")
            #expect(secondData["cursor"] == nil)
            let remark = try await caller.get(
                "/easemob-demo/chatdemoui/user/zly_test_1/contacts?needReturnRemark=true", token: token)
            let entry = ((remark.json["data"] as? [String: Any])?["contacts"] as? [[String: Any]])?.first
            #expect(entry?["remark"] as? String == "二号")
        }
    }

    @Test func pagedContactsRefuseMoreThanFiftyAsDocumented() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let reply = try await caller.get("/easemob-demo/chatdemoui/user/alice/contacts?limit=51", token: token)
            #expect(reply.status == 400)
            #expect(reply.json["error_description"] as? String == "getContacts | page size more than max limit : 50")
        }
    }

    @Test func unknownOrDeletedUserAnswersServiceResourceNotFound() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let unknown = try await caller.get("/easemob-demo/chatdemoui/users/nobody/contacts/users", token: token)
            #expect(unknown.failure == EasemobFailure(404, "service_resource_not_found", "Service resource not found"))
            _ = try await caller.post("/_emulator/delete-user?u=carol")
            let gone = try await caller.get("/easemob-demo/chatdemoui/users/carol/blocks/users", token: token)
            #expect(gone.status == 404)
            let list = try await caller.get("/easemob-demo/chatdemoui/users?limit=100", token: token)
            #expect(list.json["count"] as? Int == 6)
        }
    }

    @Test func blocksWholeOrPaged() async throws {
        try await withEmulator(corpusConfiguration()) { caller in
            let token = try await caller.token(org: "XXXX", app: "testapp")
            let whole = try await caller.get("/XXXX/testapp/users/user1/blocks/users", token: token)
            #expect(whole.keys == (try exampleKeys("blocks.json")))
            #expect(whole.dataArray as? [String] == ["user2"])
            let first = try await caller.get("/XXXX/testapp/users/XXXX/blocks/users?pageSize=1", token: token)
            #expect(first.keys == (try exampleKeys("blocks-paged.json")))
            #expect(first.dataArray as? [String] == ["tst05"])
            let cursor = try #require(first.json["cursor"] as? String)
            let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
            let second = try await caller.get(
                "/XXXX/testapp/users/XXXX/blocks/users?pageSize=1&cursor=\(encoded)", token: token)
            #expect(second.dataArray as? [String] == ["tst04"])
            #expect(second.json["cursor"] == nil)
        }
    }
}
