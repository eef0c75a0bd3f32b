import Foundation
import TestSupportKit
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
            let reply = try await caller.sendText(from: "b", ope: 0, to: "a", body: "{\"msg\":\"yo\"}")
            #expect(reply.code == 200)
            _ = try await caller.sendText(from: "c", ope: 0, to: "a", body: "{\"msg\":\"other\"}")

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
            let outsider = try await caller.sendText(from: "outsider", ope: 1, to: tid, body: "{\"msg\":\"x\"}")
            #expect(outsider.code == 804)
            let noTeam = try await caller.sendText(from: "a", ope: 1, to: "99999", body: "{\"msg\":\"x\"}")
            #expect(noTeam.code == 803)
            let sent = try await caller.sendText(from: "a", ope: 1, to: tid, body: "{\"msg\":\"team\"}")
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
            let ghost = try await caller.sendText(from: "a", ope: 0, to: "ghost", body: "{\"msg\":\"x\"}")
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

@Suite struct RecallTests {
    /// Sends one p2p message a → b and one team message; returns (p2p msgid, timetag, tid, team msgid, timetag).
    private func sendTwo(_ caller: Caller) async throws -> (Int64, Int64, String, Int64, Int64) {
        try await caller.createUsers(["a", "b"])
        let sent = try await caller.sendText(from: "a", ope: 0, to: "b", body: "{\"msg\":\"hi\"}")
        let team = try await caller.v1(
            "team/create.action",
            [
                ("tname", "t"), ("owner", "a"), ("members", "[\"b\"]"), ("msg", "join"), ("magree", "0"),
                ("joinmode", "0"),
            ])
        let tid = try #require(team.json["tid"]?.stringValue)
        let teamSent = try await caller.sendText(from: "b", ope: 1, to: tid, body: "{\"msg\":\"all\"}")
        return (
            try #require(sent.json["data"]?["msgid"]?.intValue), try #require(sent.json["data"]?["timetag"]?.intValue),
            tid, try #require(teamSent.json["data"]?["msgid"]?.intValue),
            try #require(teamSent.json["data"]?["timetag"]?.intValue)
        )
    }

    @Test func recallMarksTheMessageAndHidesItFromHistory() async throws {
        try await withRouterEmulator { caller in
            let (msgid, timetag, tid, teamMsgid, teamTimetag) = try await sendTwo(caller)
            let recall: [(String, String)] = [
                ("deleteMsgid", String(msgid)), ("timetag", String(timetag)), ("type", "7"), ("from", "a"),
                ("to", "b"),
            ]
            #expect(try await caller.v1("msg/recall.action", recall).code == 200)
            #expect(try await caller.v1("msg/recall.action", recall).code == 200)  // again: still 200
            let team = try await caller.v1(
                "msg/recall.action",
                [
                    ("deleteMsgid", String(teamMsgid)), ("timetag", String(teamTimetag)), ("type", "8"),
                    ("from", "b"), ("to", tid), ("ignoreTime", "1"),
                ])
            #expect(team.code == 200)
            let dump = try await caller.dump()
            #expect(dump["messages"]?.arrayValue?.map { $0["recalled"] } == [true, true])
            let history = try await caller.v1(
                "history/querySessionMsg.action",
                [
                    ("from", "a"), ("to", "b"), ("begintime", String(timetag - 1000)),
                    ("endtime", String(timetag + 60_000)), ("limit", "100"),
                ])
            #expect(history.json["size"] == 0)
        }
    }

    @Test func recallRefusesWhatNIMRefuses() async throws {
        try await withRouterEmulator { caller in
            let (msgid, timetag, tid, _, _) = try await sendTwo(caller)
            func recall(_ overrides: [String: String]) async throws -> Int64? {
                var fields = [
                    "deleteMsgid": String(msgid), "timetag": String(timetag), "type": "7", "from": "a", "to": "b",
                ]
                for (key, value) in overrides { fields[key] = value }
                return try await caller.v1("msg/recall.action", fields.sorted { $0.key < $1.key }).code
            }
            #expect(try await recall(["type": "1"]) == 414)
            #expect(try await recall(["ignoreTime": "2"]) == 414)
            #expect(try await recall(["timetag": String(timetag + 1)]) == 404)
            #expect(try await recall(["from": "b"]) == 404)
            #expect(try await recall(["type": "8", "to": tid]) == 404)
            #expect(try await recall(["deleteMsgid": "x"]) == 414)
            #expect(try await caller.dump()["messages"]?.arrayValue?.first?["recalled"] == false)
        }
    }

    @Test func outsideTheWindowOnlyIgnoreTimeRecalls() async throws {
        var configuration = testConfiguration()
        configuration.recallWindowMs = 0
        try await withRouterEmulator(configuration) { caller in
            let (msgid, timetag, _, _, _) = try await sendTwo(caller)
            try await Task.sleep(for: .milliseconds(5))  // the message is now older than the 0 ms window
            let fields: [(String, String)] = [
                ("deleteMsgid", String(msgid)), ("timetag", String(timetag)), ("type", "7"), ("from", "a"),
                ("to", "b"),
            ]
            let late = try await caller.v1("msg/recall.action", fields)
            #expect(late.code == 508)
            #expect(try await caller.v1("msg/recall.action", fields + [("ignoreTime", "1")]).code == 200)
        }
    }
}
