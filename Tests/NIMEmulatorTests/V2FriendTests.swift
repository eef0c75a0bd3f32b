import EmulatorKit
import Foundation
import HTTPTypes
import NIOCore
import TestSupportKit
import Testing

@testable import NIMEmulator

extension Caller {
    /// A signed v2 call with a JSON body (the body given as a JSON value, or as raw text).
    func v2(
        _ method: HTTPRequest.Method, _ path: String, _ body: JSONValue? = nil, raw: String? = nil,
        headers: HTTPFields = signedHeaders()
    ) async throws -> Reply {
        var headers = headers
        headers[.contentType] = "application/json;charset=UTF-8"
        let buffer: ByteBuffer? =
            if let raw { ByteBuffer(string: raw) } else { body.map { ByteBuffer(bytes: $0.encoded()) } }
        return try await send(method, path, headers, buffer)
    }
}

extension Reply {
    /// The v2 `msg`.
    var msg: String? { json["msg"]?.stringValue }
    /// The v2 `data`.
    var data: JSONValue? { json["data"] }
}

@Suite struct V2FriendTests {
    private func add(
        _ caller: Caller, _ body: JSONValue, type: String? = "1", prefix: String = "/im/v2.1"
    ) async throws -> Reply {
        try await caller.v2(.post, "\(prefix)/friends" + (type.map { "?type=\($0)" } ?? ""), body)
    }

    @Test func typeOneAddsBothDirectionsWithTheAddingSidesFields() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            let reply = try await add(
                caller,
                [
                    "account_id": "A", "friend_account_id": "b", "alias": "Bee", "extension": "{\"k\":1}",
                    "customer_extension": "srv", "postscript": "hi",
                ])
            #expect(reply.status == 200)
            #expect(reply.code == 200)
            #expect(reply.msg == "success")
            #expect(
                reply.data == [
                    "friend_account_id": "b", "alias": "Bee", "extension": "{\"k\":1}", "customer_extension": "srv",
                ])

            let dump = try await caller.dump()
            #expect(
                dump["friends"] == [
                    ["accid": "a", "faccid": "b", "alias": "Bee", "ex": "{\"k\":1}"],
                    ["accid": "b", "faccid": "a", "alias": nil, "ex": nil],
                ])
            #expect(dump["calls"]?["POST /im/v2.1/friends"] == 1)

            // v1 reads see what v2 wrote.
            let fromA = try await caller.v1("friend/get.action", [("accid", "a"), ("updatetime", "0")])
            let entry = try #require(fromA.json["friends"]?.arrayValue?.first)
            #expect(entry["faccid"] == "b")
            #expect(entry["alias"] == "Bee")
            #expect(entry["ex"] == "{\"k\":1}")
            #expect(entry["serverex"] == "srv")
            #expect(entry["bidirection"] == true)
            let fromB = try await caller.v1("friend/get.action", [("accid", "b"), ("updatetime", "0")])
            let back = try #require(fromB.json["friends"]?.arrayValue?.first)
            #expect(back["faccid"] == "a")
            #expect(back["alias"] == nil)
            #expect(back["bidirection"] == true)
        }
    }

    @Test func theV2FormOfThePathWorksToo() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            let reply = try await add(caller, ["account_id": "a", "friend_account_id": "b"], prefix: "/im/v2")
            #expect(reply.code == 200)
            #expect(reply.data == ["friend_account_id": "b"])
            let dump = try await caller.dump()
            #expect(dump["friends"]?.arrayValue?.count == 2)
            #expect(dump["calls"]?["POST /im/v2/friends"] == 1)
        }
    }

    /// Like v1: an existing friendship is no error and keeps its fields; the answer shows them.
    @Test func addingAnExistingFriendshipChangesNothing() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            _ = try await caller.v1("friend/add.action", [("accid", "a"), ("faccid", "b"), ("type", "1")])
            _ = try await caller.v1("friend/update.action", [("accid", "b"), ("faccid", "a"), ("alias", "Ay")])
            let before = try await caller.dump()["friends"]
            let again = try await add(caller, ["account_id": "b", "friend_account_id": "a", "alias": "New"])
            #expect(again.code == 200)
            #expect(again.data == ["friend_account_id": "a", "alias": "Ay"])
            let twice = try await add(caller, ["account_id": "a", "friend_account_id": "b", "alias": "Bee"])
            #expect(twice.code == 200)
            #expect(twice.data == ["friend_account_id": "b"])
            #expect(try await caller.dump()["friends"] == before)
        }
    }

    @Test func typeTwoStoresNothing() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            let reply = try await add(caller, ["account_id": "a", "friend_account_id": "b", "alias": "x"], type: "2")
            #expect(reply.code == 200)
            #expect(try await caller.dump()["friends"] == [])
            let ghost = try await add(caller, ["account_id": "a", "friend_account_id": "ghost"], type: "2")
            #expect(ghost.code == 102404)
        }
    }

    @Test func errorsHaveV2CodesAndChangeNothing() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            let ok: JSONValue = ["account_id": "a", "friend_account_id": "b"]
            func expectFailure(
                _ reply: Reply, _ code: Int64, mentioning word: String,
                sourceLocation: SourceLocation = #_sourceLocation
            ) {
                #expect(reply.status == 200, sourceLocation: sourceLocation)
                #expect(reply.code == code, "\(reply.json)", sourceLocation: sourceLocation)
                #expect(reply.msg?.contains(word) == true, "\(reply.json)", sourceLocation: sourceLocation)
                #expect(reply.data == [:], sourceLocation: sourceLocation)
            }

            expectFailure(try await add(caller, ok, type: nil), 414, mentioning: "type")
            expectFailure(try await add(caller, ok, type: "3"), 414, mentioning: "type")
            expectFailure(try await add(caller, ok, type: "x"), 414, mentioning: "type")
            // type belongs in the query; in the body it does not count.
            expectFailure(
                try await add(caller, ["account_id": "a", "friend_account_id": "b", "type": 1], type: nil), 414,
                mentioning: "type")
            expectFailure(try await add(caller, ["friend_account_id": "b"]), 414, mentioning: "account_id")
            expectFailure(try await add(caller, ["account_id": "a"]), 414, mentioning: "friend_account_id")
            expectFailure(
                try await add(caller, ["account_id": "a", "friend_account_id": ""]), 414,
                mentioning: "friend_account_id")
            expectFailure(
                try await add(caller, ["account_id": "a b", "friend_account_id": "b"]), 414, mentioning: "account_id")
            expectFailure(
                try await add(
                    caller, ["account_id": .string(String(repeating: "a", count: 33)), "friend_account_id": "b"]),
                414, mentioning: "account_id")
            // Each text field one character over its limit.
            for (field, limit) in [
                ("alias", 128), ("extension", 256), ("customer_extension", 256), ("postscript", 256),
            ] {
                let long = JSONValue.string(String(repeating: "x", count: limit + 1))
                expectFailure(
                    try await add(caller, ["account_id": "a", "friend_account_id": "b", field: long]), 414,
                    mentioning: field)
            }
            expectFailure(
                try await add(caller, ["account_id": "a", "friend_account_id": "b", "alias": ["x": 1]]), 414,
                mentioning: "alias")
            expectFailure(
                try await caller.v2(.post, "/im/v2.1/friends?type=1", raw: "{not json"), 414, mentioning: "body")
            expectFailure(
                try await add(caller, ["account_id": "a", "friend_account_id": "ghost"]), 102404, mentioning: "ghost")
            expectFailure(
                try await add(caller, ["account_id": "ghost", "friend_account_id": "a"]), 102404, mentioning: "ghost")
            expectFailure(
                try await add(caller, ["account_id": "a", "friend_account_id": "A"]), 104429, mentioning: "self")

            #expect(try await caller.dump()["friends"] == [])
            // Exactly at the limits is fine.
            let limits = try await add(
                caller,
                [
                    "account_id": "a", "friend_account_id": "b", "alias": .string(String(repeating: "x", count: 128)),
                    "extension": .string(String(repeating: "y", count: 256)),
                ])
            #expect(limits.code == 200)
        }
    }

    /// Same signature check, rate gate, faults and per-endpoint count as v1.
    @Test func signedCountedThrottledAndFaultedLikeV1() async throws {
        let body: JSONValue = ["account_id": "a", "friend_account_id": "b"]
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            #expect(try await caller.v2(.post, "/im/v2.1/friends?type=1", body, headers: [:]).code == 414)
            let wrongSecret = try await caller.v2(
                .post, "/im/v2.1/friends?type=1", body, headers: signedHeaders(secret: "nope"))
            #expect(wrongSecret.code == 414)
            #expect(try await caller.dump()["friends"] == [])
            #expect(try await caller.dump()["calls"]?["POST /im/v2.1/friends"] == 2)
        }
        let throttling = testConfiguration {
            $0.limit = 1
            $0.penaltyMs = 60_000
        }
        try await withRouterEmulator(throttling) { caller in
            let codes = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for _ in 0..<4 { group.addTask { try await caller.v2(.post, "/im/v2.1/friends?type=1", body).code } }
                return try await group.reduce(into: [Int64?]()) { $0.append($1) }
            }
            let throttled = codes.filter { $0 == 416 }.count
            #expect(throttled >= 1)
            let dump = try await caller.dump()
            #expect(dump["calls"]?["POST /im/v2.1/friends"] == 4)
            #expect(dump["throttled"]?.intValue == Int64(throttled))
        }
        try await withRouterEmulator(testConfiguration { $0.faultRate = 1 }) { caller in
            let reply = try await caller.v2(.post, "/im/v2.1/friends?type=1", body)
            #expect(reply.status == 500 || reply.status == 503)
            #expect(try await caller.dump()["faults"] == 1)
        }
    }
}
