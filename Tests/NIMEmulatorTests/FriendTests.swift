import Testing

@testable import NIMEmulator

@Suite struct FriendTests {
    @Test func addCreatesBothDirectionsOnce() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            let add = try await caller.v1("friend/add.action", [("accid", "A"), ("faccid", "b"), ("type", "1")])
            #expect(add.code == 200)
            let again = try await caller.v1("friend/add.action", [("accid", "b"), ("faccid", "a"), ("type", "1")])
            #expect(again.code == 200)
            let friends = try #require(try await caller.dump()["friends"]?.arrayValue)
            #expect(friends.count == 2)
            #expect(friends.map { $0["accid"]?.stringValue } == ["a", "b"])
            #expect(friends.map { $0["faccid"]?.stringValue } == ["b", "a"])

            let get = try await caller.v1("friend/get.action", [("accid", "b"), ("updatetime", "0")])
            #expect(get.json["size"]?.intValue == 1)
            #expect(get.json["friends"]?.arrayValue?.first?["faccid"]?.stringValue == "a")
            #expect(get.json["friends"]?.arrayValue?.first?["bidirection"]?.boolValue == true)
        }
    }

    @Test func updateOnlyBetweenFriendsAndOneDirection() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b", "c"])
            _ = try await caller.v1("friend/add.action", [("accid", "a"), ("faccid", "b"), ("type", "1")])
            let update = try await caller.v1(
                "friend/update.action", [("accid", "a"), ("faccid", "b"), ("alias", "Bee"), ("ex", "{}")])
            #expect(update.code == 200)
            let stranger = try await caller.v1(
                "friend/update.action", [("accid", "a"), ("faccid", "c"), ("alias", "x")])
            #expect(stranger.code != 200)
            let friends = try #require(try await caller.dump()["friends"]?.arrayValue)
            #expect(friends[0] == ["accid": "a", "faccid": "b", "alias": "Bee", "ex": "{}"])
            #expect(friends[1] == ["accid": "b", "faccid": "a", "alias": nil, "ex": nil])
        }
    }

    @Test func unknownAccountsAre404() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a"])
            let reply = try await caller.v1("friend/add.action", [("accid", "a"), ("faccid", "ghost"), ("type", "1")])
            #expect(reply.code == 404)
            #expect(reply.desc?.hasSuffix("not exist") == true)
        }
    }

    @Test func deleteRemovesBothDirections() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            _ = try await caller.v1("friend/add.action", [("accid", "a"), ("faccid", "b"), ("type", "1")])
            #expect(try await caller.v1("friend/delete.action", [("accid", "b"), ("faccid", "a")]).code == 200)
            #expect(try await caller.dump()["friends"]?.arrayValue?.isEmpty == true)
        }
    }
}
