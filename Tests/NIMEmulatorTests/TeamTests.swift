import TestSupportKit
import Testing

@testable import NIMEmulator

@Suite struct TeamTests {
    private func create(_ caller: Caller, owner: String, members: [String], extra: [(String, String)] = []) async throws
        -> Reply
    {
        try await caller.v1(
            "team/create.action",
            [("tname", "team"), ("owner", owner), ("members", jsonArray(members)), ("msg", "join"), ("joinmode", "0")]
                + extra)
    }

    @Test func createIssuesIncreasingStringTids() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["owner", "m1", "m2"])
            let first = try await create(caller, owner: "OWNER", members: ["M1", "m2"])
            #expect(first.code == 200)
            #expect(first.json["tid"] == "10001")
            #expect(first.json["faccid"] == ["accid": [], "msg": ""])
            let second = try await create(caller, owner: "owner", members: [])
            #expect(second.json["tid"] == "10002")
            let team = try #require(try await caller.dump()["teams"]?.arrayValue?.first)
            #expect(team["tid"] == 10001)
            #expect(team["owner"] == "owner")
            #expect(team["members"] == ["m1", "m2"])
            #expect(team["teamMemberLimit"] == 200)
        }
    }

    @Test func createAllowsAtMost199InviteesPlusOwner() async throws {
        try await withRouterEmulator { caller in
            let members = accids("m", 200)
            try await caller.createUsers(["owner"] + members)
            let tooMany = try await create(caller, owner: "owner", members: members)
            #expect(tooMany.code == 414)
            let full = try await create(caller, owner: "owner", members: Array(members.prefix(199)))
            #expect(full.code == 200)
            let tid = try #require(full.json["tid"]?.stringValue)
            let query = try await caller.v1("team/query.action", [("tids", jsonArray([tid])), ("ope", "0")])
            #expect(query.json["tinfos"]?.arrayValue?.first?["size"] == 200)
        }
    }

    @Test func createRequiresParameters() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["owner"])
            let noMsg = try await caller.v1(
                "team/create.action", [("tname", "t"), ("owner", "owner"), ("members", "[]"), ("joinmode", "0")])
            #expect(noMsg.code == 414)
            #expect(noMsg.desc?.contains("msg") == true)
            let badJoin = try await create(caller, owner: "owner", members: [], extra: [("joinmode", "5")])
            #expect(badJoin.code == 414)
            let longCustom = try await create(
                caller, owner: "owner", members: [], extra: [("custom", String(repeating: "c", count: 1025))])
            #expect(longCustom.code == 414)
            let ghostOwner = try await create(caller, owner: "ghost", members: [])
            #expect(ghostOwner.code == 404)
        }
    }

    @Test func addRespectsLimitAndDuplicates() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["owner", "a", "b", "c", "d"])
            let created = try await create(caller, owner: "owner", members: ["a"], extra: [("teamMemberLimit", "4")])
            let tid = try #require(created.json["tid"]?.stringValue)

            let over = try await caller.v1(
                "team/add.action",
                [("tid", tid), ("owner", "owner"), ("members", jsonArray(["b", "c", "d"])), ("msg", "hi")])
            #expect(over.code == 801)
            var team = try #require(try await caller.dump()["teams"]?.arrayValue?.first)
            #expect(team["members"] == ["a"])

            let dup = try await caller.v1(
                "team/add.action", [("tid", tid), ("owner", "owner"), ("members", jsonArray(["A"])), ("msg", "hi")])
            #expect(dup.code == 809)

            let partial = try await caller.v1(
                "team/add.action",
                [("tid", tid), ("owner", "owner"), ("members", jsonArray(["a", "b", "c"])), ("msg", "hi")])
            #expect(partial.code == 200)
            team = try #require(try await caller.dump()["teams"]?.arrayValue?.first)
            #expect(team["members"] == ["a", "b", "c"])

            let tooMany = try await caller.v1(
                "team/add.action",
                [("tid", tid), ("owner", "owner"), ("members", jsonArray(accids("x", 201))), ("msg", "hi")])
            #expect(tooMany.code == 414)
            let unknownTeam = try await caller.v1(
                "team/add.action", [("tid", "99999"), ("owner", "owner"), ("members", jsonArray(["d"])), ("msg", "hi")])
            #expect(unknownTeam.code == 803)
            let notOwner = try await caller.v1(
                "team/add.action", [("tid", tid), ("owner", "d"), ("members", jsonArray(["d"])), ("msg", "hi")])
            #expect(notOwner.code == 802)
        }
    }

    @Test func addManagerAtMostTenAndMembersOnly() async throws {
        try await withRouterEmulator { caller in
            let members = accids("m", 11)
            try await caller.createUsers(["owner", "outsider"] + members)
            let created = try await create(caller, owner: "owner", members: members)
            let tid = try #require(created.json["tid"]?.stringValue)
            let eleven = try await caller.v1(
                "team/addManager.action", [("tid", tid), ("owner", "owner"), ("members", jsonArray(members))])
            #expect(eleven.code == 414)
            let outsider = try await caller.v1(
                "team/addManager.action", [("tid", tid), ("owner", "owner"), ("members", jsonArray(["outsider"]))])
            #expect(outsider.code == 804)
            let notOwner = try await caller.v1(
                "team/addManager.action", [("tid", tid), ("owner", "m0"), ("members", jsonArray(["m1"]))])
            #expect(notOwner.code == 802)
            let ten = try await caller.v1(
                "team/addManager.action",
                [("tid", tid), ("owner", "owner"), ("members", jsonArray(Array(members.prefix(10))))])
            #expect(ten.code == 200)
            let query = try await caller.v1("team/query.action", [("tids", jsonArray([tid])), ("ope", "1")])
            let info = try #require(query.json["tinfos"]?.arrayValue?.first)
            #expect(info["admins"]?.arrayValue?.count == 10)
            #expect(info["members"] == ["m10"])
            let team = try #require(try await caller.dump()["teams"]?.arrayValue?.first)
            #expect(team["admins"]?.arrayValue?.count == 10)
            #expect(team["members"]?.arrayValue?.count == 11)
        }
    }

    @Test func muteKickAndQueries() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["owner", "a", "b"])
            let created = try await create(
                caller, owner: "owner", members: ["a", "b"], extra: [("intro", "hello"), ("custom", "{\"k\":1}")])
            let tid = try #require(created.json["tid"]?.stringValue)
            #expect(
                try await caller.v1(
                    "team/muteTlist.action", [("tid", tid), ("owner", "owner"), ("accid", "a"), ("mute", "1")]
                ).code == 200)
            #expect(
                try await caller.v1("team/muteTlistAll.action", [("tid", tid), ("owner", "owner"), ("muteType", "3")])
                    .code == 200)
            #expect(try await caller.v1("team/muteTlistAll.action", [("tid", tid), ("owner", "owner")]).code == 414)
            let mutes = try await caller.v1("team/listTeamMute.action", [("tid", tid), ("owner", "owner")])
            #expect(mutes.json["mutes"]?.arrayValue?.map { $0["accid"] } == ["a"])
            #expect(
                try await caller.v1("team/kick.action", [("tid", tid), ("owner", "owner"), ("member", "b")]).code == 200
            )
            #expect(
                try await caller.v1("team/kick.action", [("tid", tid), ("owner", "owner"), ("member", "b")]).code == 804
            )

            let joined = try await caller.v1("team/joinTeams.action", [("accid", "a")])
            #expect(joined.json["count"] == 1)
            #expect(joined.json["infos"]?.arrayValue?.first?["tname"] == "team")
            let query = try await caller.v1("team/query.action", [("tids", "[\(tid)]"), ("ope", "1")])
            let info = try #require(query.json["tinfos"]?.arrayValue?.first)
            #expect(info["intro"] == "hello")
            #expect(info["announcement"] == "")
            #expect(info["mute"] == true)
            #expect(info["members"] == ["a"])
            #expect(info["tid"]?.intValue == Int64(tid))
            let detail = try await caller.v1("team/queryDetail.action", [("tid", tid)])
            #expect(detail.json["tinfo"]?["owner"]?["accid"] == "owner")
            #expect(detail.json["tinfo"]?["muteType"] == 3)

            let team = try #require(try await caller.dump()["teams"]?.arrayValue?.first)
            #expect(team["muted"] == ["a"])
            #expect(team["muteType"] == 3)
            #expect(team["members"] == ["a"])
            #expect(team["intro"] == "hello")
            #expect(team["custom"] == "{\"k\":1}")

            #expect(try await caller.v1("team/remove.action", [("tid", tid), ("owner", "a")]).code == 802)
            #expect(try await caller.v1("team/remove.action", [("tid", tid), ("owner", "owner")]).code == 200)
            #expect(try await caller.v1("team/queryDetail.action", [("tid", tid)]).code == 803)
        }
    }

    @Test func queryAcceptsAtMostTenTids() async throws {
        try await withRouterEmulator { caller in
            let reply = try await caller.v1(
                "team/query.action", [("tids", jsonArray(Array(repeating: "10001", count: 11))), ("ope", "0")])
            #expect(reply.code == 414)
            let unknown = try await caller.v1("team/query.action", [("tids", "[10001]"), ("ope", "0")])
            #expect(unknown.code == 803)
        }
    }
}
