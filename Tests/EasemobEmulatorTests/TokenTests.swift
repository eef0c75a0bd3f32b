import Foundation
import Testing

@testable import EasemobEmulator

@Suite struct TokenTests {
    @Test func tokenHasTheDocumentedShape() async throws {
        try await withEmulator { caller in
            let reply = try await caller.post(
                "/easemob-demo/chatdemoui/token",
                json: [
                    "grant_type": "client_credentials", "client_id": testClientID, "client_secret": testSecret,
                    "ttl": "1024000",
                ])
            #expect(reply.status == 200)
            #expect(reply.keys == ["access_token", "expires_in", "application"])
            #expect(reply.json["expires_in"] as? Int == 1_024_000)
            #expect((reply.json["access_token"] as? String)?.hasPrefix("YWMt") == true)
            #expect(reply.json["application"] as? String == "8be024f0-e978-11e8-b697-5d598d5f8402")
        }
    }

    @Test(arguments: [("client_id", "client_id does not match"), ("client_secret", "client_secret does not match")])
    func wrongCredentialsAreRefusedAsDocumented(field: String, description: String) async throws {
        try await withEmulator { caller in
            var body: [String: Any] = [
                "grant_type": "client_credentials", "client_id": testClientID, "client_secret": testSecret,
            ]
            body[field] = "wrong"
            let reply = try await caller.post("/easemob-demo/chatdemoui/token", json: body)
            #expect(reply.failure == EasemobFailure(400, "invalid_grant", description))
            #expect(reply.keys == ["error", "error_description", "exception", "timestamp", "duration"])
        }
    }

    @Test func unknownAppAnswersOrganizationApplicationNotFound() async throws {
        try await withEmulator { caller in
            let reply = try await caller.post("/hx/hxdeo2/token", json: ["grant_type": "client_credentials"])
            #expect(reply.status == 404)
            #expect(reply.json["error"] as? String == "organization_application_not_found")
            #expect(
                reply.json["error_description"] as? String
                    == "Could not find application for hx/hxdeo2 from URI: hx/hxdeo2/token")
        }
    }

    @Test func callsWithoutOrWithAWrongTokenAreRefused() async throws {
        try await withEmulator { caller in
            let missing = try await caller.get("/easemob-demo/chatdemoui/users")
            #expect(missing.status == 401)
            #expect(missing.json["error"] as? String == "unauthorized")
            let wrong = try await caller.get("/easemob-demo/chatdemoui/users", token: "YWMtnot-ours")
            #expect(
                wrong.failure
                    == EasemobFailure(
                        401, "auth_bad_access_token", "Unable to authenticate due to corrupt access token"))
            #expect(wrong.json["exception"] as? String == "org.apache.usergrid.rest.exceptions.SecurityException")
            let token = try await caller.token()
            #expect(try await caller.get("/easemob-demo/chatdemoui/users", token: token).status == 200)
        }
    }

    @Test func tokensExpireOnTheVirtualClock() async throws {
        try await withEmulator(sampleConfiguration { $0.tokenTTLCap = 60 }) { caller in
            let token = try await caller.token(ttl: 0)
            #expect(try await caller.get("/easemob-demo/chatdemoui/users", token: token).status == 200)
            _ = try await caller.post("/_emulator/clock?advance=61")
            let expired = try await caller.get("/easemob-demo/chatdemoui/users", token: token)
            #expect(expired.status == 401)
            #expect(expired.json["error"] as? String == "unauthorized")
            #expect(
                expired.json["error_description"] as? String == "Unable to authenticate due to expired access token")
            let fresh = try await caller.token()
            #expect(try await caller.get("/easemob-demo/chatdemoui/users", token: fresh).status == 200)
        }
    }

    @Test func expireTokensSwitchExpiresEveryIssuedToken() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            _ = try await caller.post("/_emulator/expire-tokens")
            #expect(try await caller.get("/easemob-demo/chatdemoui/users", token: token).status == 401)
        }
    }
}
