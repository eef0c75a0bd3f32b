import Foundation
import Testing

@testable import NIMEmulator

@Suite struct MessageTests {
    @Test func sendMsgThenQuerySessionMsg() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b", "c"])
            let sent = try await caller.v1(
                "msg/sendMsg.action",
                [
                    ("from", "A"), ("ope", "0"), ("to", "b"), ("type", "0"), ("body", "{\"msg\":\"hi\"}"),
                    ("ext", "{\"x\":1}"),
                ])
            #expect(sent.code == 200)
            let msgid = try #require(sent.json["data"]?["msgid"]?.intValue)
            let timetag = try #require(sent.json["data"]?["timetag"]?.intValue)
            #expect(sent.json["data"]?["antispam"] == false)
            let reply = try await caller.v1(
                "msg/sendMsg.action",
                [("from", "b"), ("ope", "0"), ("to", "a"), ("type", "0"), ("body", "{\"msg\":\"yo\"}")])
            #expect(reply.code == 200)
            _ = try await caller.v1(
                "msg/sendMsg.action",
                [("from", "c"), ("ope", "0"), ("to", "a"), ("type", "0"), ("body", "{\"msg\":\"other\"}")])

            let window = [
                ("begintime", String(timetag - 1000)), ("endtime", String(timetag + 60_000)), ("limit", "100"),
            ]
            let history = try await caller.v1("history/querySessionMsg.action", [("from", "a"), ("to", "B")] + window)
            #expect(history.code == 200)
            #expect(history.json["size"] == 2)
            let msgs = try #require(history.json["msgs"]?.arrayValue)
            #expect(msgs.map { $0["from"] } == ["b", "a"])
            #expect(msgs.last?["msgid"]?.intValue == msgid)
            #expect(msgs.last?["body"] == ["msg": "hi"])
            #expect(msgs.last?["sendtime"]?.intValue == timetag)

            let ascending = try await caller.v1(
                "history/querySessionMsg.action",
                [("from", "a"), ("to", "b"), ("reverse", "1"), ("excludeMsgid", String(msgid))] + window)
            #expect(ascending.json["msgs"]?.arrayValue?.map { $0["from"] } == ["b"])
        }
    }

    @Test func historyValidatesWindowAndLimit() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            let bad = try await caller.v1(
                "history/querySessionMsg.action",
                [("from", "a"), ("to", "b"), ("begintime", "5"), ("endtime", "5"), ("limit", "10")])
            #expect(bad.code == 414)
            #expect(bad.desc == "bad time")
            for limit in ["0", "101"] {
                let reply = try await caller.v1(
                    "history/querySessionMsg.action",
                    [("from", "a"), ("to", "b"), ("begintime", "1"), ("endtime", "5"), ("limit", limit)])
                #expect(reply.code == 414)
            }
        }
    }

    @Test func teamMessagesNeedMembership() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["owner", "a", "outsider"])
            let created = try await caller.v1(
                "team/create.action",
                [("tname", "t"), ("owner", "owner"), ("members", jsonArray(["a"])), ("msg", "m"), ("joinmode", "0")])
            let tid = try #require(created.json["tid"]?.stringValue)
            let outsider = try await caller.v1(
                "msg/sendMsg.action",
                [("from", "outsider"), ("ope", "1"), ("to", tid), ("type", "0"), ("body", "{\"msg\":\"x\"}")])
            #expect(outsider.code == 804)
            let noTeam = try await caller.v1(
                "msg/sendMsg.action",
                [("from", "a"), ("ope", "1"), ("to", "99999"), ("type", "0"), ("body", "{\"msg\":\"x\"}")])
            #expect(noTeam.code == 803)
            let sent = try await caller.v1(
                "msg/sendMsg.action",
                [("from", "a"), ("ope", "1"), ("to", tid), ("type", "0"), ("body", "{\"msg\":\"team\"}")])
            #expect(sent.code == 200)
            let timetag = try #require(sent.json["data"]?["timetag"]?.intValue)
            let history = try await caller.v1(
                "history/queryTeamMsg.action",
                [
                    ("tid", tid), ("accid", "owner"), ("begintime", String(timetag - 1)),
                    ("endtime", String(timetag + 1)), ("limit", "10"),
                ])
            #expect(history.json["msgs"]?.arrayValue?.first?["body"] == ["msg": "team"])
            let messages = try #require(try await caller.dump()["messages"]?.arrayValue)
            #expect(messages.first?["ope"] == 1)
            #expect(messages.first?["to"]?.stringValue == tid)
        }
    }

    @Test func sendMsgValidation() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a"])
            let ghost = try await caller.v1(
                "msg/sendMsg.action",
                [("from", "a"), ("ope", "0"), ("to", "ghost"), ("type", "0"), ("body", "{\"msg\":\"x\"}")])
            #expect(ghost.code == 404)
            let long = try await caller.v1(
                "msg/sendMsg.action",
                [
                    ("from", "a"), ("ope", "0"), ("to", "a"), ("type", "0"),
                    ("body", "{\"msg\":\"\(String(repeating: "x", count: 5000))\"}"),
                ])
            #expect(long.code == 414)
            let ope = try await caller.v1(
                "msg/sendMsg.action", [("from", "a"), ("ope", "2"), ("to", "a"), ("type", "0"), ("body", "{}")])
            #expect(ope.code == 414)
        }
    }
}
