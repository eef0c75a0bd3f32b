import Testing

@testable import NIMEmulator

@Suite struct UserTests {
    @Test func createAlreadyRegisterAndLowerCasing() async throws {
        try await withRouterEmulator { caller in
            let created = try await caller.v1(
                "user/create.action", [("accid", "Alice.W"), ("name", "Alice"), ("token", "tok")])
            #expect(created.code == 200)
            #expect(created.json["info"]?["accid"]?.stringValue == "alice.w")
            #expect(created.json["info"]?["token"]?.stringValue == "tok")
            #expect(created.json["info"]?["name"]?.stringValue == "Alice")

            let again = try await caller.v1("user/create.action", [("accid", "ALICE.w")])
            #expect(again.code == 414)
            #expect(again.desc == "already register")

            let infos = try await caller.v1("user/getUinfos.action", [("accids", jsonArray(["ALICE.W", "nobody"]))])
            #expect(infos.code == 200)
            let uinfos = try #require(infos.json["uinfos"]?.arrayValue)
            #expect(uinfos.count == 1)
            #expect(uinfos.first?["accid"]?.stringValue == "alice.w")
            #expect(uinfos.first?["name"]?.stringValue == "Alice")
        }
    }

    @Test func generatedTokenIsReturned() async throws {
        try await withRouterEmulator { caller in
            let created = try await caller.v1("user/create.action", [("accid", "bob")])
            let token = try #require(created.json["info"]?["token"]?.stringValue)
            #expect(token.count == 32)
            let users = try await caller.dump()["users"]?.arrayValue
            #expect(users?.first?["token"]?.stringValue == token)
        }
    }

    @Test(arguments: [
        ("accid", String(repeating: "a", count: 33)), ("accid", "bad!char"),
        ("name", String(repeating: "n", count: 65)),
        ("gender", "3"), ("ex", String(repeating: "e", count: 1025)), ("token", String(repeating: "t", count: 129)),
    ])
    func invalidParametersAre414NamingTheParameter(name: String, value: String) async throws {
        try await withRouterEmulator { caller in
            var fields = [("accid", "valid")]
            fields.removeAll { $0.0 == name }
            fields.append((name, value))
            let reply = try await caller.v1("user/create.action", fields)
            #expect(reply.code == 414)
            #expect(reply.desc?.contains(name) == true)
        }
    }

    @Test func updateUinfoAndUpdateToken() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["carol"])
            let update = try await caller.v1(
                "user/updateUinfo.action", [("accid", "CAROL"), ("icon", "http://x/i.png"), ("gender", "2")])
            #expect(update.code == 200)
            let token = try await caller.v1("user/update.action", [("accid", "carol"), ("token", "newtoken")])
            #expect(token.code == 200)
            let user = try #require(try await caller.dump()["users"]?.arrayValue?.first)
            #expect(user["icon"]?.stringValue == "http://x/i.png")
            #expect(user["gender"]?.intValue == 2)
            #expect(user["token"]?.stringValue == "newtoken")
            let missing = try await caller.v1("user/updateUinfo.action", [("accid", "nobody"), ("name", "x")])
            #expect(missing.code == 404)
        }
    }

    @Test func getUinfosAcceptsAtMost200() async throws {
        try await withRouterEmulator { caller in
            let reply = try await caller.v1("user/getUinfos.action", [("accids", jsonArray(accids("u", 201)))])
            #expect(reply.code == 414)
            let ok = try await caller.v1("user/getUinfos.action", [("accids", jsonArray(accids("u", 200)))])
            #expect(ok.code == 200)
            let malformed = try await caller.v1("user/getUinfos.action", [("accids", "[not json")])
            #expect(malformed.code == 414)
        }
    }

    @Test func specialRelations() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b", "c"])
            #expect(
                try await caller.v1(
                    "user/setSpecialRelation.action",
                    [("accid", "a"), ("targetAcc", "B"), ("relationType", "1"), ("value", "1")]
                ).code == 200)
            #expect(
                try await caller.v1(
                    "user/setSpecialRelation.action",
                    [("accid", "a"), ("targetAcc", "c"), ("relationType", "2"), ("value", "1")]
                ).code == 200)
            #expect(
                try await caller.v1(
                    "user/setSpecialRelation.action",
                    [("accid", "a"), ("targetAcc", "zz"), ("relationType", "1"), ("value", "1")]
                ).code == 404)
            let lists = try await caller.v1("user/listBlackAndMuteList.action", [("accid", "a")])
            #expect(lists.json["blacklist"] == ["b"])
            #expect(lists.json["mutelist"] == ["c"])
            #expect(
                try await caller.v1(
                    "user/setSpecialRelation.action",
                    [("accid", "a"), ("targetAcc", "c"), ("relationType", "2"), ("value", "0")]
                ).code == 200)
            let relations = try #require(try await caller.dump()["specialRelations"]?.arrayValue)
            #expect(relations == [["accid": "a", "targetAcc": "b", "relationType": 1]])
        }
    }
}
