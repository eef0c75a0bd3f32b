import Foundation
import MigrationCore
import Testing

/// One run of a bad-input campaign over `dir/export`: an emulator, a pipeline `bad` with every
/// stage, `plan` then `run` (each must end with exit 1, never a crash), and what they reported.
struct BadInputRun {
    /// "code message" per `file:line`, from the plan's problems and `failed.jsonl`.
    let reported: [String: [String]]
    /// What the two commands created in `dir` (it must be `state` alone).
    let created: Set<String>
    /// The emulator's state after the run.
    let dump: JSONValue

    static func perform(dir: String, format: String) async throws -> BadInputRun {
        try await withTarget(secret: "b", limit: 5000) { target in
            let pipeline = try target.pipeline(
                in: dir, name: "bad", format: format,
                stages: [.users, .relations, .groups, .files, .history, .sessions],
                rate: 2000)
            let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
            for command in ["plan", "run"] {
                let result = try await pipeline.run(command)
                #expect(result.code == 1, "\(command): \(result.stderr)")
                #expect(!result.stderr.contains("Fatal"), "\(command) crashed: \(result.stderr)")
            }
            try await SourceAccountCheck.expectEverythingAccounted(dir: dir, name: "bad")
            let after = Set(try FileManager.default.contentsOfDirectory(atPath: dir)).filter { !$0.hasPrefix(".") }
            return BadInputRun(
                reported: try reported(state: pipeline.state), created: after.subtracting(before),
                dump: try await target.dump())
        }
    }

    private static func reported(state: String) throws -> [String: [String]] {
        var reported: [String: [String]] = [:]
        let plan = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: state + "/plan.json")))
        for p in plan["problems"]?.array ?? [] {
            reported["\(p["file"]?.string ?? ""):\(p["line"]?.int ?? 0)", default: []]
                .append((p["code"]?.string ?? "") + " " + (p["message"]?.string ?? ""))
        }
        for line in try String(contentsOfFile: state + "/failed.jsonl", encoding: .utf8).split(separator: "\n") {
            let f = try JSONValue.parse(Data(line.utf8))
            reported["\(f["file"]?.string ?? ""):\(f["line"]?.int ?? 0)", default: []]
                .append((f["code"]?.string ?? "") + " " + (f["desc"]?.string ?? ""))
        }
        return reported
    }
}
