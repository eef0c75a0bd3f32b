/// The dry run's report: per stage, items, REST calls by endpoint and the time they take at the
/// configured rate (the target's limit binds, not our speed); every source problem with its file
/// and line; and the verdict a run would reach.
public struct PlanReport: Sendable, Codable, Equatable {
    /// Problems of one kind listed in `plan.md` and `plan.json` (all of them are in
    /// `problems.jsonl`): a real export can have a million of one kind, which no one reads there.
    public static let listedPerKind = 200

    public var pipeline: String
    public var rate: Int
    public var stages: [StageLine]
    public var totalCalls: Int
    public var estimatedSeconds: Double
    /// Up to ``listedPerKind`` problems of each kind, by file and line.
    public var problems: [Problem]
    /// Every problem, counted by kind and severity.
    public var problemCounts: ProblemCounts
    /// `done` when a run would migrate everything; `incomplete` when lines would be left out.
    public var verdict: String
    public var exitCode: Int32
    /// The hosts attachments, avatars and icons still to fetch come from, each allowed or refused
    /// by the URL policy (SPEC §5 "Untrusted addresses").
    public var hosts: [HostLine] = []
    /// What the last `nim-migrate pull` of this export got and could not (SPEC §4), when it was pulled.
    public var pull: PullReport?

    /// One stage of the plan.
    public struct StageLine: Sendable, Codable, Equatable {
        public var stage: StageID
        public var items: Int
        public var calls: [String: Int]
        public var totalCalls: Int
        /// The fewest calls NIM allows for the same work (SPEC §5 "Calls"), per endpoint.
        public var floorCalls: [String: Int]
        public var estimatedSeconds: Double
        public var outputs: [String: Int]
    }

    /// Assembles the report from the stages' plans and the recorded problems (all of them, or the
    /// listed ones with `counts` of all).
    /// The calls per second the estimate assumes: the throttle's pace (a little under `rate`,
    /// which leaves room for the network's jitter; see ``SendWindow``).
    public var pace: Double

    public init(
        pipeline: String, rate: Int, pace: Double? = nil, plans: [(StageID, StagePlan)], problems: [Problem],
        counts: ProblemCounts? = nil, hosts: [HostLine] = []
    ) {
        self.hosts = hosts
        self.pipeline = pipeline
        self.rate = rate
        let pace = max(pace ?? Double(rate), 0.001)
        self.pace = pace
        stages = plans.map { stage, plan in
            StageLine(
                stage: stage, items: plan.items, calls: plan.calls, totalCalls: plan.totalCalls, floorCalls: plan.floor,
                estimatedSeconds: Double(plan.totalCalls) / pace, outputs: plan.outputs)
        }
        totalCalls = stages.reduce(0) { $0 + $1.totalCalls }
        estimatedSeconds = Double(totalCalls) / pace
        problemCounts = counts ?? ProblemCounts(problems)
        self.problems = Dictionary(grouping: problems, by: \.code).values.flatMap { $0.prefix(Self.listedPerKind) }
            .sorted { ($0.code, $0.file, $0.line) < ($1.code, $1.file, $1.line) }
        let status: ExitStatus = problemCounts.errors > 0 ? .incomplete : .done
        verdict = "\(status)"
        exitCode = status.rawValue
    }

    /// `plan.md`; `checklist` is appended (see ``OperatorChecklist``).
    public func markdown(checklist: [String] = []) -> String {
        var out = "# Migration plan: \(pipeline)\n\n"
        out += "At \(rate) REST calls/s (paced at \(String(format: "%.1f", pace))/s, the margin for the network's "
        out += "jitter): \(totalCalls) calls, about \(RunReport.duration(estimatedSeconds)). "
        out += "The binding limit is the target's rate (`throttle.rate`), not the tool's speed: every call of every "
        out += "stage shares one token bucket.\n\n"
        out += "| stage | items | REST calls | time |\n|---|---:|---:|---:|\n"
        for s in stages {
            out += "| \(s.stage) | \(s.items) | \(s.totalCalls) | \(RunReport.duration(s.estimatedSeconds)) |\n"
        }
        let endpoints = stages.flatMap { s in
            Set(s.calls.keys).union(s.floorCalls.keys).map { (s.stage, $0, s.calls[$0] ?? 0, s.floorCalls[$0] ?? 0) }
        }
        if !endpoints.isEmpty {
            out += "\n## REST calls by endpoint\n\n"
            let floor = stages.reduce(0) { $0 + $1.floorCalls.values.reduce(0, +) }
            if floor < totalCalls {
                let saved = Double(totalCalls - floor) / pace
                out += "NIM allows \(floor) calls for this work, \(totalCalls - floor) fewer (about "
                out += "\(RunReport.duration(saved)) sooner): set `target.v2_endpoint` (SPEC §5 \"Calls\").\n\n"
            }
            out += "| stage | endpoint | calls | fewest NIM allows |\n|---|---|---:|---:|\n"
            for (stage, endpoint, calls, fewest) in endpoints.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                out += "| \(stage) | `\(endpoint)` | \(calls) | \(fewest) |\n"
            }
        }
        let outputs = stages.flatMap { s in s.outputs.map { (s.stage, $0.key, $0.value) } }
        if !outputs.isEmpty {
            out += "\n## Outputs\n\n| stage | what | amount |\n|---|---|---:|\n"
            for (stage, what, amount) in outputs.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                out += "| \(stage) | \(what) | \(amount) |\n"
            }
        }
        out += hostsMarkdown
        out += pullMarkdown
        out += Self.problemsMarkdown(problems, counts: problemCounts, every: "`problems.jsonl`")
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

    /// The pulled export's coverage: hours saved, empty, too new and expired (the gaps), files expired.
    var pullMarkdown: String {
        guard let pull else { return "" }
        var out = "\n## What the pull got (`state/\(pipeline)/pull.md`)\n\n"
        let hours = pull.hours
        out += "History hours \(hours.from ?? "–") to \(hours.to ?? "–"): \(hours.saved) saved, \(hours.empty) empty, "
        out += "\(hours.tooNew.count) too new, \(hours.expired) expired, \(hours.pending.count) pending. "
        out += "Attachments and avatars: \(pull.files.saved) saved, \(pull.files.expired) expired.\n"
        if !hours.gaps.isEmpty {
            out += "\nGaps (their messages are not in the export):\n\n"
            out += hours.gaps.map { "- \($0.from) – \($0.to) (\($0.hours) h)\n" }.joined()
        }
        return out
    }

    /// Where the files come from: each host, its references, allowed or refused and why.
    var hostsMarkdown: String {
        guard !hosts.isEmpty else { return "" }
        var out = "\n## Where attachments, avatars and icons come from\n\n"
        out += "Only public hosts and those `files.allow` lists are fetched from; a refused reference keeps its old "
        out += "URL and is reported `url-refused`.\n\n| host | references | fetched |\n|---|---:|---|\n"
        for line in hosts {
            out +=
                "| `\(line.host)` | \(line.references) | \(line.allowed ? "yes" : "**refused**: \(line.why ?? "")") |\n"
        }
        return out
    }

    /// The problems section shared by the plan and the run's report: the count of each kind and
    /// its first ``listedPerKind`` problems by file and line.
    static func problemsMarkdown(_ listed: [Problem], counts: ProblemCounts, every: String) -> String {
        var out = "\n## Problems in the source\n\n"
        if counts.byCode.isEmpty { return out + "None.\n" }
        out += "\(counts.errors) lines not migrated, \(counts.warnings) warnings; every one is in \(every).\n"
        let byCode = Dictionary(grouping: listed, by: \.code)
        for (code, count) in counts.byCode.sorted(by: { $0.key < $1.key }) {
            out += "\n### \(code) (\(count))\n\n"
            let shown = byCode[code] ?? []
            for p in shown { out += "- `\(p.location)` (\(p.severity.rawValue)): \(p.message)\n" }
            if count > shown.count {
                out += "- … and \(count - shown.count) more of this kind: every one is in \(every)\n"
            }
        }
        return out
    }
}

extension ProblemCounts {
    /// The counts of a list of problems.
    init(_ problems: [Problem]) {
        errors = problems.count { $0.severity == .error }
        warnings = problems.count { $0.severity == .warning }
        byCode = Dictionary(grouping: problems, by: \.code).mapValues(\.count)
    }
}
