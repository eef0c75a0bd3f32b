import Foundation
import MigrationCore
import NIMEmulator
import Testing

@testable import DualRun

/// SPEC §7: `friend.removed` ends the friendship in both directions — whichever way NIM's
/// `friend/delete.action` reads (reference §2.5 does not say) — and a friendship made again starts
/// with no alias or ex of the one before.
@Suite struct ServeFriendRemovalTests {
    @Test(arguments: EmulatorConfiguration.FriendDelete.allCases)
    func friendRemovedEndsBothDirections(reading: EmulatorConfiguration.FriendDelete) async throws {
        try await ServeFixture.with(friendDelete: reading) { fixture in
            func event(_ id: String, _ offset: Int64, _ type: String, _ fields: String) -> String {
                ServeEventsTests.event(id, offset, type, fields)
            }
            try await fixture.postEvents([
                event("f1", 1, "friend.added", #""accid":"User1","faccid":"User2","alias":"first","ex":"e1""#),
                event("f2", 2, "friend.updated", #""accid":"User2","faccid":"User1","alias":"back","ex":"e2""#),
                event("f3", 3, "friend.removed", #""accid":"USER2","faccid":"user1""#),
                // Never friends: nothing to end, not a failure.
                event("f4", 4, "friend.removed", #""accid":"User3","faccid":"User4""#),
                event("f5", 5, "friend.added", #""accid":"User4","faccid":"User5""#),
                event("f6", 6, "friend.removed", #""accid":"User4","faccid":"User5""#),
            ])
            var health = try await fixture.drained()
            var listed = try await fixture.call("GET", "/failed").json.text
            #expect(health["events_applied"]?.int == 6 && health["failed"]?.int == 0, "\(health.text) \(listed)")
            #expect(try await fixture.nimState()["friends"]?.array.isEmpty == true, "\(reading)")
            // Made again from the other side: only the new alias, on the side that made it.
            try await fixture.postEvents([
                event("f7", 7, "friend.added", #""accid":"user2","faccid":"User1","alias":"again""#)
            ])
            health = try await fixture.drained()
            listed = try await fixture.call("GET", "/failed").json.text
            #expect(health["events_applied"]?.int == 7 && health["failed"]?.int == 0, "\(health.text) \(listed)")
            let friends = try await fixture.nimState()["friends"]?.array ?? []
            let sides = Dictionary(
                friends.map {
                    (
                        "\($0["accid"]?.string ?? "")>\($0["faccid"]?.string ?? "")",
                        "\($0["alias"]?.string ?? "-")/\($0["ex"]?.string ?? "-")"
                    )
                }, uniquingKeysWith: { a, _ in a })
            #expect(sides == ["user2>user1": "again/-", "user1>user2": "-/-"], "\(reading)")
        }
    }
}
