import Foundation
import MigrationCore

/// What a pipeline's outputs report per `file:line`: the plan's problems and `failed.jsonl`,
/// each as "code message", for the bad-input campaigns to look their cases up in.
enum ReportedProblems {
    static func load(state: String) throws -> [String: [String]] {
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
