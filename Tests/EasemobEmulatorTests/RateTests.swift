import Foundation
import Testing

@testable import EasemobEmulator

@Suite struct RateTests {
    @Test func historyOverItsPerMinuteLimitAnswersReachLimit() async throws {
        try await withEmulator(sampleConfiguration { $0.historyPerMinute = 2 }) { caller in
            let token = try await caller.token()
            let uri = "/easemob-demo/chatdemoui/chatmessages/2017060517"
            #expect(try await caller.get(uri, token: token).status == 200)
            #expect(try await caller.get(uri, token: token).status == 200)
            let refused = try await caller.get(uri, token: token)
            #expect(refused.status == 429)
            #expect(refused.keys == ["error", "error_description", "exception", "timestamp", "duration"])
            #expect(refused.json["error"] as? String == "reach_limit")
            #expect(refused.json["error_description"] as? String == "This request has reached api limit")
            // Other families are not touched.
            #expect(try await caller.get("/easemob-demo/chatdemoui/users", token: token).status == 200)
            let traffic = try await caller.get("/_emulator/traffic")
            let history = try #require((traffic.json["families"] as? [String: [String: Any]])?["history"])
            #expect(history["calls"] as? Int == 3)
            #expect(history["status429"] as? Int == 1)
            #expect(history["windowSeconds"] as? Int == 60)
            #expect(history["limit"] as? Int == 2)
        }
    }

    @Test func blocksHaveTheirOwnFamily() async throws {
        try await withEmulator(sampleConfiguration { $0.blockRate = 1 }) { caller in
            let token = try await caller.token()
            let uri = "/easemob-demo/chatdemoui/users/carol/blocks/users"
            #expect(try await caller.get(uri, token: token).status == 200)
            // The second call of a pair is refused when both land within one second (a machine busy
            // with the rest of the suite can stretch a pair past it: try again).
            var refused = false
            for _ in 0..<20 where !refused {
                refused = try await caller.get(uri, token: token).status == 429
                if !refused { refused = try await caller.get(uri, token: token).status == 429 }
            }
            #expect(refused)
            #expect(
                try await caller.get("/easemob-demo/chatdemoui/users/carol/contacts/users", token: token).status == 200)
        }
    }

    @Test func switchesPlayQuotaBurstsAndOutages() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let uri = "/easemob-demo/chatdemoui/users"
            _ = try await caller.post("/_emulator/reach-limit?family=user&count=2")
            #expect(try await caller.get(uri, token: token).status == 429)
            #expect(try await caller.get(uri, token: token).status == 429)
            #expect(try await caller.get(uri, token: token).status == 200)
            _ = try await caller.post("/_emulator/resource-limited?family=user&on=true")
            let quota = try await caller.get(uri, token: token)
            #expect(quota.status == 429)
            #expect(quota.json["error"] as? String == "resource_limited")
            #expect(
                quota.json["error_description"] as? String
                    == "You have exceeded the limit of the Free edition. Please upgrade to higher edition.")
            _ = try await caller.post("/_emulator/resource-limited?family=user&on=false")
            _ = try await caller.post("/_emulator/outage?seconds=30")
            #expect(try await caller.get(uri, token: token).status == 503)
            _ = try await caller.post("/_emulator/outage?seconds=0")
            #expect(try await caller.get(uri, token: token).status == 200)
        }
    }

    @Test func theSlidingWindowAdmitsAtMostTheLimitInAnyWindow() {
        var window = SlidingWindow(limit: 3, windowMs: 1000)
        let admitted = [0, 100, 200, 300, 999, 1000, 1100, 1150, 1201].map { window.admit(at: Int64($0)) }
        #expect(admitted == [true, true, true, false, false, true, true, false, true])
        #expect(TrafficReport.maxInWindow([0, 100, 200, 1000, 1100, 1200, 1300], windowMs: 1000) == 4)
    }
}
