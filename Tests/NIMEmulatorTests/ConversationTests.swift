import EmulatorKit
import Foundation
import NIOCore
import TestSupportKit
import Testing

@testable import NIMEmulator

@Suite struct ConversationTests {
    private func create(_ caller: Caller, _ id: String) async throws -> Reply {
        var headers = signedHeaders()
        headers[.contentType] = "application/json"
        let body = ByteBuffer(bytes: JSONValue.object(["conversation_id": .string(id)]).encoded())
        return try await caller.send(.post, "/im/v2.1/conversations", headers, body)
    }

    @Test func createIsIdempotentAndListed() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b", "c"])
            let created = try await create(caller, "A|1|b")
            #expect(created.code == 200)
            #expect(created.json["msg"] == "success")
            #expect(created.json["data"]?["conversation_id"] == "a|1|b")
            let again = try await create(caller, "a|1|b")
            #expect(again.code == 200)
            #expect(again.json["data"] == created.json["data"])
            #expect(try await create(caller, "a|1|c").code == 200)
            #expect(try await create(caller, "ghost|1|a").code == 404)
            #expect(try await create(caller, "a-1-b").code == 414)

            let page = try await caller.send(.get, "/im/v2.1/conversations?account_id=a&limit=1", signedHeaders(), nil)
            #expect(page.code == 200)
            #expect(page.json["data"]?["items"]?.arrayValue?.count == 1)
            #expect(page.json["data"]?["has_more"] == true)
            let token = try #require(page.json["data"]?["next_token"]?.stringValue)
            let rest = try await caller.send(
                .get, "/im/v2.1/conversations?account_id=a&limit=1&page_token=\(token)", signedHeaders(), nil)
            #expect(rest.json["data"]?["has_more"] == false)

            let dump = try await caller.dump()
            #expect(dump["conversations"] == [["conversation_id": "a|1|b"], ["conversation_id": "a|1|c"]])
            #expect(dump["calls"]?["POST /im/v2.1/conversations"] == 5)
            #expect(dump["calls"]?["GET /im/v2.1/conversations"] == 2)
        }
    }

    @Test func teamConversationNeedsTeam() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a"])
            #expect(try await create(caller, "a|2|10001").code == 803)
            _ = try await caller.v1(
                "team/create.action",
                [("tname", "t"), ("owner", "a"), ("members", "[]"), ("msg", "m"), ("joinmode", "0")])
            #expect(try await create(caller, "a|2|10001").code == 200)
        }
    }

    @Test func v2CallsAreSigned() async throws {
        try await withRouterEmulator { caller in
            let reply = try await caller.send(.get, "/im/v2.1/conversations?account_id=a", [:], nil)
            #expect(reply.code == 414)
        }
    }
}
