/// The dry run's report: per stage, items, REST calls by endpoint and the time they take at the
/// configured rate (the target's limit binds, not our speed); every source problem with its file
/// and line; and the verdict a run would reach.
public struct PlanReport: Sendable, Codable, Equatable {
    /// Problems of one kind listed in `plan.md` (all of them are in `plan.json`): a real export can
    /// have a million of one kind, which no one reads in Markdown.
    static let listedPerKind = 200

    public var pipeline: String
    public var rate: Int
    public var stages: [StageLine]
    public var totalCalls: Int
    public var estimatedSeconds: Double
    public var problems: [Problem]
    /// `done` when a run would migrate everything; `incomplete` when lines would be left out.
    public var verdict: String
    public var exitCode: Int32

    /// One stage of the plan.
    public struct StageLine: Sendable, Codable, Equatable {
        public var stage: StageID
        public var items: Int
        public var calls: [String: Int]
        public var totalCalls: Int
        public var estimatedSeconds: Double
        public var outputs: [String: Int]
    }

    /// Assembles the report from the stages' plans and the recorded problems.
    public init(pipeline: String, rate: Int, plans: [(StageID, StagePlan)], problems: [Problem]) {
        self.pipeline = pipeline
        self.rate = rate
        stages = plans.map { stage, plan in
            StageLine(
                stage: stage, items: plan.items, calls: plan.calls, totalCalls: plan.totalCalls,
                estimatedSeconds: Double(plan.totalCalls) / Double(max(rate, 1)), outputs: plan.outputs)
        }
        totalCalls = stages.reduce(0) { $0 + $1.totalCalls }
        estimatedSeconds = Double(totalCalls) / Double(max(rate, 1))
        self.problems = problems
        let status: ExitStatus = problems.contains { $0.severity == .error } ? .incomplete : .done
        verdict = "\(status)"
        exitCode = status.rawValue
    }

    /// `plan.md`; `checklist` is appended (see ``OperatorChecklist``).
    public func markdown(checklist: [String] = []) -> String {
        var out = "# Migration plan: \(pipeline)\n\n"
        out += "At \(rate) REST calls/s: \(totalCalls) calls, about \(RunReport.duration(estimatedSeconds)). "
        out += "The binding limit is the target's rate (`throttle.rate`), not the tool's speed: every call of every "
        out += "stage shares one token bucket.\n\n"
        out += "| stage | items | REST calls | time at \(rate)/s |\n|---|---:|---:|---:|\n"
        for s in stages {
            out += "| \(s.stage) | \(s.items) | \(s.totalCalls) | \(RunReport.duration(s.estimatedSeconds)) |\n"
        }
        let endpoints = stages.flatMap { s in s.calls.map { (s.stage, $0.key, $0.value) } }
        if !endpoints.isEmpty {
            out += "\n## REST calls by endpoint\n\n| stage | endpoint | calls |\n|---|---|---:|\n"
            for (stage, endpoint, calls) in endpoints.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                out += "| \(stage) | `\(endpoint)` | \(calls) |\n"
            }
        }
        let outputs = stages.flatMap { s in s.outputs.map { (s.stage, $0.key, $0.value) } }
        if !outputs.isEmpty {
            out += "\n## Outputs\n\n| stage | what | amount |\n|---|---|---:|\n"
            for (stage, what, amount) in outputs.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                out += "| \(stage) | \(what) | \(amount) |\n"
            }
        }
        out += "\n## Problems in the source\n\n"
        if problems.isEmpty { out += "None.\n" }
        for (code, group) in Dictionary(grouping: problems, by: \.code).sorted(by: { $0.key < $1.key }) {
            out += "\n### \(code) (\(group.count))\n\n"
            for p in group.prefix(Self.listedPerKind) {
                out += "- `\(p.location)` (\(p.severity.rawValue)): \(p.message)\n"
            }
            if group.count > Self.listedPerKind {
                out += "- … and \(group.count - Self.listedPerKind) more of this kind: every one is in `plan.json`\n"
            }
        }
        out += "\n## Verdict\n\n"
        out +=
            verdict == "done"
            ? "A run would migrate every line.\n"
            : "A run would leave the lines above out (exit 1); fix them or accept it.\n"
        if !checklist.isEmpty {
            out += "\n## Before the cut-over: what the tool cannot do for you\n\n"
            out += checklist.map { "- [ ] \($0)\n" }.joined()
        }
        return out
    }
}
