import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// Event kinds are an enum (issue 26, point 1): every kind serve knows is read to itself with a
/// scope of its family; a type it does not know is stored to be listed as failed, never applied.
@Suite struct OldEventKindTests {
    @Test(arguments: OldEventKind.allCases) func everyKindIsReadWithItsFamilysScope(kind: OldEventKind) throws {
        var object: [String: JSONValue] = [
            "id": "e1", "type": kind.rawValue, "accid": "Ann", "faccid": "bob", "targetAcc": "bob", "gid": "g1",
            "msgid": "m1", "from": "Ann", "to": "bob",
        ].mapValues(JSONValue.string)
        object["time"] = .int(1_700_000_000_000)
        object["createTime"] = .int(1_700_000_000_000)
        object["user"] = .object(["accid": .string("Ann")])
        let (event, problem) = try OldEvent.canonical(object).get()
        #expect(problem == nil, "\(problem ?? "")")
        #expect(event.kind == kind)
        let prefix: String =
            switch kind.family {
            case .user: "u|"
            case .friendship, .block: "r|"
            case .groupCreated, .team: "g|"
            case .recall: "t|"  // the conversation of its message: the object names a gid
            }
        #expect(event.scope.text.hasPrefix(prefix), "\(event.scope)")
    }

    @Test func anUnknownTypeIsStoredAsFailed() throws {
        let (event, problem) = try OldEvent.canonical([
            "id": .string("e2"), "time": .int(1_700_000_000_000), "type": .string("team.teleported"),
        ]).get()
        #expect(event.kind == nil)
        #expect(problem == "unknown event type 'team.teleported'")
    }
}
