import Foundation
import Testing

@testable import NIMEmulator

@Suite struct AuthTests {
    @Test func correctlySignedCallIsAccepted() async throws {
        try await withRouterEmulator { caller in
            let reply = try await caller.v1("user/create.action", [("accid", "alice")])
            #expect(reply.status == 200)
            #expect(reply.code == 200)
        }
    }

    @Test func wrongSecretIsRefusedWithChecksum() async throws {
        try await withRouterEmulator { caller in
            let reply = try await caller.v1(
                "user/create.action", [("accid", "alice")], headers: signedHeaders(secret: "not-the-secret"))
            #expect(reply.status == 200)
            #expect(reply.code == 414)
            #expect(reply.desc == "checksum")
            let users = try await caller.dump()["users"]?.arrayValue
            #expect(users?.isEmpty == true)
        }
    }

    @Test func staleCurTimeIsRefused() async throws {
        try await withRouterEmulator { caller in
            let stale = Int64(Date().timeIntervalSince1970) - 301
            let reply = try await caller.v1(
                "user/create.action", [("accid", "alice")], headers: signedHeaders(curTime: stale))
            #expect(reply.code == 414)
            #expect(reply.desc == "CurTime is expired")
            let fresh = Int64(Date().timeIntervalSince1970) - 200
            let accepted = try await caller.v1(
                "user/create.action", [("accid", "alice")], headers: signedHeaders(curTime: fresh))
            #expect(accepted.code == 200)
        }
    }

    @Test func configuredAppKeyIsEnforced() async throws {
        let configuration = testConfiguration { $0.appKey = "rightkey" }
        try await withRouterEmulator(configuration) { caller in
            let wrong = try await caller.v1(
                "user/create.action", [("accid", "a")], headers: signedHeaders(appKey: "other"))
            #expect(wrong.code == 414)
            #expect(wrong.desc == "appkey")
            let right = try await caller.v1(
                "user/create.action", [("accid", "a")], headers: signedHeaders(appKey: "rightkey"))
            #expect(right.code == 200)
        }
    }

    @Test func missingHeadersAreRefused() async throws {
        try await withRouterEmulator { caller in
            let reply = try await caller.v1("user/create.action", [("accid", "alice")], headers: [:])
            #expect(reply.code == 414)
            #expect(reply.desc == "checksum")
        }
    }

    @Test func checkSumIsLowercaseHexSHA1() {
        // sha1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d
        #expect(
            CheckSumVerifier.checkSum(secret: "a", nonce: "b", curTime: "c")
                == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }
}
