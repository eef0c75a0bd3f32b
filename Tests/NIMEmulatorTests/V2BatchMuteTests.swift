import EmulatorKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupportKit
import Testing

@testable import NIMEmulator

@Suite struct V2BatchMuteTests {
    static let path = "/im/v2/team_members/actions/batch_mute"

    /// Team 10001: owner `owner`, manager `mgr`, members `m0`…`m10`; `outsider` exists, not in it.
    private func setUp(_ caller: Caller) async throws -> Int64 {
        let members = accids("m", 11) + ["mgr"]
        try await caller.createUsers(["owner", "outsider"] + members)
        let created = try await caller.v1(
            "team/create.action",
            [("tname", "t"), ("owner", "owner"), ("members", jsonArray(members)), ("msg", "m"), ("joinmode", "0")])
        let tid = try #require(created.json["tid"]?.stringValue.flatMap { Int64($0) })
        let manager = try await caller.v1(
            "team/addManager.action", [("tid", String(tid)), ("owner", "owner"), ("members", jsonArray(["mgr"]))])
        #expect(manager.code == 200)
        return tid
    }

    private func mute(
        _ caller: Caller, tid: Int64, _ accounts: [String], banned: Bool? = true, operatorId: String = "owner",
        teamType: JSONValue = 1, method: HTTPRequest.Method = .patch
    ) async throws -> Reply {
        var body: [String: JSONValue] = [
            "operator_id": .string(operatorId), "team_type": teamType, "team_id": .int(tid),
            "chat_ban_account_ids": .strings(accounts),
        ]
        if let banned { body["chat_banned"] = .bool(banned) }
        return try await caller.v2(method, Self.path, .object(body))
    }

    /// The muted members as v1 `team/listTeamMute.action` reports them.
    private func listTeamMute(_ caller: Caller, tid: Int64) async throws -> [String] {
        let reply = try await caller.v1("team/listTeamMute.action", [("tid", String(tid)), ("owner", "owner")])
        #expect(reply.code == 200)
        return (reply.json["mutes"]?.arrayValue ?? []).compactMap { $0["accid"]?.stringValue }
    }

    @Test func mutesAndUnmutesAndV1SeesIt() async throws {
        try await withRouterEmulator { caller in
            let tid = try await setUp(caller)
            let reply = try await mute(caller, tid: tid, ["M1", "m2", "mgr", "m1"])
            #expect(reply.status == 200)
            #expect(reply.code == 200)
            #expect(reply.msg == "success")
            #expect(reply.data == ["success_list": ["m1", "m2", "mgr"], "failed_list": []])
            #expect(try await listTeamMute(caller, tid: tid) == ["m1", "m2", "mgr"])
            var team = try #require(try await caller.dump()["teams"]?.arrayValue?.first)
            #expect(team["muted"] == ["m1", "m2", "mgr"])

            let unmute = try await mute(caller, tid: tid, ["m1"], banned: false)
            #expect(unmute.data == ["success_list": ["m1"], "failed_list": []])
            #expect(try await listTeamMute(caller, tid: tid) == ["m2", "mgr"])
            // chat_banned is optional and defaults to false: unmute.
            #expect(try await mute(caller, tid: tid, ["mgr"], banned: nil).code == 200)
            team = try #require(try await caller.dump()["teams"]?.arrayValue?.first)
            #expect(team["muted"] == ["m2"])

            // v2 also undoes a v1 mute.
            #expect(
                try await caller.v1(
                    "team/muteTlist.action", [("tid", String(tid)), ("owner", "owner"), ("accid", "m3"), ("mute", "1")]
                ).code == 200)
            #expect(try await mute(caller, tid: tid, ["m3"], banned: false).code == 200)
            #expect(try await listTeamMute(caller, tid: tid) == ["m2"])

            let dump = try await caller.dump()
            #expect(dump["calls"]?["PATCH \(Self.path)"] == 4)
        }
    }

    @Test func tenPerCallAndNotEleven() async throws {
        try await withRouterEmulator { caller in
            let tid = try await setUp(caller)
            let over = try await mute(caller, tid: tid, accids("m", 11))
            #expect(over.code == 414)
            #expect(over.msg?.contains("chat_ban_account_ids") == true)
            #expect(try await listTeamMute(caller, tid: tid) == [])
            let ten = try await mute(caller, tid: tid, accids("m", 10))
            #expect(ten.code == 200)
            #expect(ten.data?["success_list"]?.arrayValue?.count == 10)
            #expect(try await listTeamMute(caller, tid: tid).count == 10)
        }
    }

    @Test func unknownAccountsAreReportedInFailedList() async throws {
        try await withRouterEmulator { caller in
            let tid = try await setUp(caller)
            let reply = try await mute(caller, tid: tid, ["m1", "ghost", "bad name"])
            #expect(reply.code == 200)
            #expect(
                reply.data == [
                    "success_list": ["m1"],
                    "failed_list": [
                        ["account_id": "ghost", "error_code": 102404, "error_msg": "ghost not valid"],
                        ["account_id": "bad name", "error_code": 102404, "error_msg": "bad name not valid"],
                    ],
                ])
            #expect(try await listTeamMute(caller, tid: tid) == ["m1"])
        }
    }

    @Test func refusedCallsHaveV2CodesAndChangeNothing() async throws {
        try await withRouterEmulator { caller in
            let tid = try await setUp(caller)
            func expectFailure(
                _ reply: Reply, _ code: Int64, sourceLocation: SourceLocation = #_sourceLocation
            ) {
                #expect(reply.status == 200, sourceLocation: sourceLocation)
                #expect(reply.code == code, "\(reply.json)", sourceLocation: sourceLocation)
                #expect(reply.msg?.isEmpty == false, sourceLocation: sourceLocation)
                #expect(reply.data == [:], sourceLocation: sourceLocation)
            }
            // Not a team.
            expectFailure(try await mute(caller, tid: 99999, ["m1"]), 108404)
            expectFailure(try await mute(caller, tid: tid, ["m1"], teamType: 2), 108404)
            // Only the owner may batch-mute in an advanced team: not a manager, member or outsider.
            expectFailure(try await mute(caller, tid: tid, ["m1"], operatorId: "mgr"), 109427)
            expectFailure(try await mute(caller, tid: tid, ["m1"], operatorId: "m2"), 109427)
            expectFailure(try await mute(caller, tid: tid, ["m1"], operatorId: "outsider"), 109427)
            expectFailure(try await mute(caller, tid: tid, ["m1"], operatorId: "ghost"), 102404)
            // A listed account that exists but is not a member refuses the whole call.
            let nonMember = try await mute(caller, tid: tid, ["m1", "outsider"])
            expectFailure(nonMember, 109301)
            #expect(nonMember.msg?.contains("outsider") == true)
            expectFailure(try await mute(caller, tid: tid, ["m1", "OWNER"]), 109304)
            // Parameter errors.
            expectFailure(try await mute(caller, tid: tid, []), 414)
            expectFailure(try await mute(caller, tid: tid, ["m1"], teamType: 3), 414)
            expectFailure(try await mute(caller, tid: tid, ["m1"], teamType: "x"), 414)
            expectFailure(try await mute(caller, tid: 0, ["m1"]), 414)
            for missing in ["operator_id", "team_type", "team_id", "chat_ban_account_ids"] {
                var body: [String: JSONValue] = [
                    "operator_id": "owner", "team_type": 1, "team_id": .int(tid), "chat_ban_account_ids": ["m1"],
                    "chat_banned": true,
                ]
                body[missing] = nil
                let reply = try await caller.v2(.patch, Self.path, .object(body))
                expectFailure(reply, 414)
                #expect(reply.msg?.contains(missing) == true, "\(reply.json)")
            }
            let stringFlag = try await caller.v2(
                .patch, Self.path,
                [
                    "operator_id": "owner", "team_type": 1, "team_id": .int(tid), "chat_ban_account_ids": ["m1"],
                    "chat_banned": "true",
                ])
            expectFailure(stringFlag, 414)
            expectFailure(try await caller.v2(.patch, Self.path, raw: "[1,"), 414)

            #expect(try await listTeamMute(caller, tid: tid) == [])
            // A decimal-string team id is read as NIM's Java binding reads a Long.
            let stringTid = try await caller.v2(
                .patch, Self.path,
                [
                    "operator_id": "owner", "team_type": "1", "team_id": .string(String(tid)),
                    "chat_ban_account_ids": ["m1"], "chat_banned": true,
                ])
            #expect(stringTid.code == 200)
        }
    }

    /// NIM's docs and official SDK say PATCH (the reference's POST is wrong): every other method
    /// is refused with HTTP 405 and nobody is muted. There is no `/im/v2.1` form of this path.
    @Test func onlyPatchIsServed() async throws {
        try await withRouterEmulator { caller in
            let tid = try await setUp(caller)
            for method in [HTTPRequest.Method.post, .put, .get, .delete] {
                let reply = try await mute(caller, tid: tid, ["m1"], method: method)
                #expect(reply.status == 405, "\(method)")
                #expect(reply.code == 405)
                #expect(reply.msg?.contains("PATCH") == true)
            }
            #expect(try await listTeamMute(caller, tid: tid) == [])
            let v21 = try await caller.v2(.patch, "/im/v2.1/team_members/actions/batch_mute", ["team_id": .int(tid)])
            #expect(v21.status == 404)
            let dump = try await caller.dump()
            #expect(dump["calls"]?["POST \(Self.path)"] == 1)
            #expect(dump["calls"]?["PATCH /im/v2.1/team_members/actions/batch_mute"] == 1)
        }
        // The 405 names the allowed method in its Allow header.
        let app = try EmulatorApplication.make(testConfiguration())
        try await app.test(.router) { client in
            var headers = signedHeaders()
            headers[.contentType] = "application/json"
            let response = try await client.executeRequest(
                uri: Self.path, method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "PATCH")
        }
    }

    /// Same signature check and rate gate as v1.
    @Test func signedAndThrottledLikeV1() async throws {
        try await withRouterEmulator { caller in
            let tid = try await setUp(caller)
            let unsigned = try await caller.v2(
                .patch, Self.path,
                ["operator_id": "owner", "team_type": 1, "team_id": .int(tid), "chat_ban_account_ids": ["m1"]],
                headers: [:])
            #expect(unsigned.code == 414)
            #expect(try await listTeamMute(caller, tid: tid) == [])
        }
        let throttling = testConfiguration {
            $0.limit = 1
            $0.penaltyMs = 60_000
        }
        try await withRouterEmulator(throttling) { caller in
            let codes = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await caller.v2(
                            .patch, Self.path,
                            ["operator_id": "owner", "team_type": 1, "team_id": 10001, "chat_ban_account_ids": ["m1"]]
                        ).code
                    }
                }
                return try await group.reduce(into: [Int64?]()) { $0.append($1) }
            }
            #expect(codes.contains(416))
            #expect(try await caller.dump()["calls"]?["PATCH \(Self.path)"] == 4)
        }
    }
}
