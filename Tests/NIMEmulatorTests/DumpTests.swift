import EmulatorKit
import Foundation
import Testing

@testable import NIMEmulator

@Suite struct DumpTests {
    @Test func dumpHasEverySectionSorted() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["zed", "amy", "bob"])
            _ = try await caller.v1("user/updateUinfo.action", [("accid", "amy"), ("name", "Amy"), ("ex", "{}")])
            _ = try await caller.v1("friend/add.action", [("accid", "zed"), ("faccid", "amy"), ("type", "1")])
            _ = try await caller.v1(
                "user/setSpecialRelation.action",
                [("accid", "bob"), ("targetAcc", "zed"), ("relationType", "2"), ("value", "1")])
            _ = try await caller.v1(
                "team/create.action",
                [
                    ("tname", "T"), ("owner", "zed"), ("members", jsonArray(["bob", "amy"])), ("msg", "m"),
                    ("joinmode", "1"), ("invitemode", "1"),
                ])
            _ = try await caller.v1(
                "team/addManager.action", [("tid", "10001"), ("owner", "zed"), ("members", jsonArray(["bob"]))])
            _ = try await caller.sendText(from: "amy", ope: 0, to: "bob", body: "{\"msg\":\"1\"}")

            let dump = try await caller.dump()
            let users = try #require(dump["users"]?.arrayValue)
            #expect(users.map { $0["accid"] } == ["amy", "bob", "zed"])
            #expect(users[0]["name"] == "Amy")
            #expect(users[0]["ex"] == "{}")
            #expect(users[0]["icon"] == .null)
            #expect(
                Set(users[0].objectKeys) == [
                    "accid", "token", "name", "icon", "sign", "email", "birth", "mobile", "gender", "ex",
                ])
            #expect(dump["friends"]?.arrayValue?.map { $0["accid"] } == ["amy", "zed"])
            #expect(dump["specialRelations"] == [["accid": "bob", "targetAcc": "zed", "relationType": 2]])
            let team = try #require(dump["teams"]?.arrayValue?.first)
            #expect(team["tid"] == 10001)
            #expect(team["members"] == ["amy", "bob"])
            #expect(team["admins"] == ["bob"])
            #expect(team["muted"] == [])
            #expect(team["joinmode"] == 1)
            #expect(team["invitemode"] == 1)
            let message = try #require(dump["messages"]?.arrayValue?.first)
            #expect(message["from"] == "amy")
            #expect(message["to"] == "bob")
            #expect(message["body"] == "{\"msg\":\"1\"}")
            #expect(dump["totalCalls"] == 9)
            #expect(dump["calls"]?["user/create.action"] == 3)
            #expect(dump["throttled"] == 0)
            #expect(dump["faults"] == 0)
            #expect(dump["maxCallsPerSecond"]?.intValue != nil)
            #expect(dump["files"] == [])
            #expect(dump["conversations"] == [])
        }
    }

    @Test func dumpAndFilesAreNotCountedNorThrottled() async throws {
        try await withRouterEmulator(testConfiguration { $0.limit = 1 }) { caller in
            for _ in 0..<5 { _ = try await caller.dump() }
            #expect(try await caller.dump()["totalCalls"] == 0)
        }
    }

    @Test func resetClearsEverything() async throws {
        try await withRouterEmulator { caller in
            try await caller.createUsers(["a", "b"])
            _ = try await caller.v1(
                "team/create.action",
                [("tname", "T"), ("owner", "a"), ("members", "[]"), ("msg", "m"), ("joinmode", "0")])
            let reset = try await caller.send(.post, "/_emulator/reset", [:], nil)
            #expect(reset.code == 200)
            let dump = try await caller.dump()
            #expect(dump["users"] == [])
            #expect(dump["teams"] == [])
            #expect(dump["totalCalls"] == 0)
            #expect(dump["calls"] == [:])
            try await caller.createUsers(["a"])
            let created = try await caller.v1(
                "team/create.action",
                [("tname", "T"), ("owner", "a"), ("members", "[]"), ("msg", "m"), ("joinmode", "0")])
            #expect(created.json["tid"] == "10001")
        }
    }

    @Test func stateFileSurvivesRestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "nim-emulator-\(UUID().uuidString).sqlite"
        ).path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let configuration = testConfiguration { $0.statePath = path }
        try await withLiveEmulator(configuration) { _, caller in
            try await caller.createUsers(["kept"])
        }
        try await withLiveEmulator(configuration) { _, caller in
            let again = try await caller.v1("user/create.action", [("accid", "kept")])
            #expect(again.desc == "already register")
            let dump = try await caller.dump()
            #expect(dump["users"]?.arrayValue?.map { $0["accid"] } == ["kept"])
            #expect(dump["calls"]?["user/create.action"] == 2)
        }
    }

    @Test func serverReportsItsPortAndStops() async throws {
        let server = try await EmulatorServer.start(testConfiguration())
        #expect(server.port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
        let taken = testConfiguration { $0.port = server.port }
        await #expect(throws: EmulatorServer.StartError.self) {
            _ = try await EmulatorServer.start(taken)
        }
        await server.shutdown()
        await server.waitUntilStopped()
    }
}

extension JSONValue {
    /// Keys of an object (empty for other values).
    var objectKeys: [String] {
        if case .object(let members) = self { return Array(members.keys) }
        return []
    }
}
