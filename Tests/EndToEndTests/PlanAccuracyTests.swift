import ExportGenerator
import Foundation
import MigrationCore
import Testing

/// Issue 6: on a generated export the plan predicts every call the run then makes, per endpoint.
/// (Its time estimate against the run's wall time is a `make bench` row: tests assert no wall time.)
@Suite struct PlanAccuracyTests {
    static func calls(_ value: JSONValue?) -> [String: Int] {
        guard case .object(let object)? = value else { return [:] }
        return object.compactMapValues { $0.int.map(Int.init) }
    }

    /// Issue 18: with and without the v2 endpoint (which adds friendships with their alias and
    /// mutes ten members per call); with it, the run also makes exactly NIM's floor of calls.
    @Test(arguments: [false, true]) func thePlanPredictsTheRunsCallsExactly(v2: Bool) async throws {
        let dir = try Processes.temporaryDirectory()
        _ = try ExportWriter(spec: ExportSpec(users: 80, groups: 4, messages: 800, seed: 21, bigGroupMembers: 50))
            .write(to: dir + "/export")
        // A second reference to the same bytes: one upload, which the plan must know.
        let export = dir + "/export"
        try FileManager.default.copyItem(atPath: export + "/files/attachment-1.png", toPath: export + "/files/copy.png")
        try "{\"accid\":\"copycat\",\"icon\":\"files/copy.png\"}\n".appendLine(to: export + "/users.jsonl")
        try await withTarget(secret: "p", limit: 150) { target in
            let pipeline = try target.pipeline(
                in: dir, name: "acc", stages: [.users, .relations, .groups, .files, .history, .sessions], rate: 100,
                v2: v2)
            let plan = try await pipeline.run("plan")
            #expect(plan.code == 0, "\(plan.stderr)")
            let planJSON = try pipeline.json("plan.json")
            var planned: [String: Int] = [:]
            for stage in planJSON["stages"]?.array ?? [] {
                for (endpoint, count) in Self.calls(stage["calls"]) { planned[endpoint, default: 0] += count }
            }
            let history = planJSON["stages"]?.array.first { $0["stage"]?.string == "history" }
            let lines = Self.calls(history?["outputs"]).values.reduce(0, +)
            #expect(lines == 800, "the plan counts the history lines per output file")

            // The plan warns that attachments are not re-hosted yet; the run re-hosts every one, so
            // neither its problems.jsonl nor its report may still say so (SPEC §6).
            let planProblems = try pipeline.text("problems.jsonl")
            #expect(
                planProblems.contains("\"code\":\"old-url-kept\""), "the dry run lists the messages not yet re-hosted")
            let run = try await pipeline.run()
            #expect(run.code == 0, "\(run.stderr)")
            let found = try pipeline.text("problems.jsonl")
            #expect(!found.contains("old-url-kept") && !found.contains("not re-hosted"), "\(found.prefix(500))")
            let report = try pipeline.text("report.md")
            #expect(!report.contains("old-url-kept") && !report.contains("not re-hosted"))
            try await SourceAccountCheck.expectEverythingAccounted(dir: dir, name: "acc", files: 4)
            let dump = try await target.dump()
            var made = Self.calls(dump["calls"])
            #expect(made.removeValue(forKey: "user/getUinfos.action") == 1, "the preflight check, once per run")
            #expect(made == planned, "every endpoint: planned == made")
            #expect(dump["throttled"]?.int == 0)
            if v2 { Self.expectTheFloor(made, nim: dump) }
        }
    }
}

extension PlanAccuracyTests {
    /// SPEC §5 "Calls", counted from what NIM holds after the run (not from our own plan): one add
    /// per friendship, one update per friendship whose two sides both carry alias or ex, one mute
    /// call per ten muted members of a team, and no avatar or icon update.
    static func expectTheFloor(_ made: [String: Int], nim dump: JSONValue) {
        var sides: [String: Int] = [:]
        var pairs = Set<String>()
        for friend in dump["friends"]?.array ?? [] {
            guard let a = friend["accid"]?.string, let b = friend["faccid"]?.string else { continue }
            let pair = [a, b].sorted().joined(separator: "|")
            pairs.insert(pair)
            if friend["alias"]?.string != nil || friend["ex"]?.string != nil { sides[pair, default: 0] += 1 }
        }
        var muteCalls = 0
        for team in dump["teams"]?.array ?? [] {
            let muted: Int = team["muted"]?.array.count ?? 0
            muteCalls += (muted + 9) / 10
        }
        #expect(made["POST /im/v2.1/friends"] == pairs.count)
        #expect(made["friend/update.action", default: 0] == sides.values.filter { $0 == 2 }.count)
        #expect(made["friend/add.action"] == nil)
        #expect(made["PATCH /im/v2/team_members/actions/batch_mute", default: 0] == muteCalls)
        #expect(made["team/muteTlist.action"] == nil)
        #expect(sides.values.filter { $0 == 2 }.count < sides.count, "the export has one-sided aliases to save")
    }
}

extension String {
    func appendLine(to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
