extension RunReport {
    /// `report.md`: the same facts as `report.json`, for a person.
    public func markdown() -> String {
        var out = "# Migration report: \(pipeline)\n\n"
        out += "Outcome: **\(status)** (exit \(exitCode))"
        if let runID { out += ", run \(runID)" }
        out += "\n\n## Stages\n\n"
        out += "| stage | done | failed | skipped | pending | REST calls | retries | 416s | wall time |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for s in stages {
            let pending = s.items.pending + s.items.inFlight
            out += "| \(s.stage) | \(s.items.done) | \(s.items.failed) | \(s.items.skipped) | \(pending) | "
            out += "\(s.totalCalls) | \(s.retries) | \(s.throttled) | \(Self.duration(s.wallTimeSeconds)) |\n"
        }
        let endpoints = stages.flatMap { s in s.calls.map { (s.stage, $0.key, $0.value) } }
        if !endpoints.isEmpty {
            out += "\n## REST calls by endpoint\n\n| stage | endpoint | calls | retries | 416s | failed |\n"
            out += "|---|---|---:|---:|---:|---:|\n"
            for (stage, endpoint, c) in endpoints.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                out += "| \(stage) | `\(endpoint)` | \(c.calls) | \(c.retries) | \(c.throttled) | \(c.failures) |\n"
            }
        }
        out += failuresMarkdown()
        out += plannedBesideMade()
        if !pauses.isEmpty {
            out += "\n## Pauses: the target did not answer\n\n"
            out += "No item was failed for these; calls waited and went on when the target answered.\n\n"
            out += pauses.map { "- \($0.text)\n" }.joined()
        }
        out += PlanReport.problemsMarkdown(listedProblems, counts: problems, every: "`problems.jsonl`")
        out += "\nEvery failed item and rejected line, with file, line and reason: `failed.jsonl`.\n"
        return out
    }

    /// The failed items by reason, each with its count and first items.
    func failuresMarkdown() -> String {
        guard !failureReasons.isEmpty else { return "" }
        var out = "\n## Failed items by reason\n\n"
        for reason in failureReasons {
            out += "- \(reason.stage): `\(reason.code)` \(reason.desc) (\(reason.count)): "
            out += reason.items.map { $0.file == nil ? "`\($0.key)`" : "`\($0.location)` \($0.key)" }
                .joined(separator: ", ")
            out += reason.count > reason.items.count ? ", … and \(reason.count - reason.items.count) more\n" : "\n"
        }
        return out
    }

    /// The last run: the calls registration predicted beside the calls made, per endpoint.
    func plannedBesideMade() -> String {
        var rows: [String] = []
        var plannedTotal = 0
        var floorTotal = 0
        var madeTotal = 0
        var seconds = 0.0
        for s in stages {
            let planned = s.plannedCalls ?? [:]
            let floor = s.floorCalls ?? planned
            let made = s.runCalls ?? [:]
            seconds += s.runWallTimeSeconds ?? 0
            for endpoint in Set(planned.keys).union(made.keys).union(floor.keys).sorted() {
                let stats = made[endpoint] ?? CallStats()
                plannedTotal += planned[endpoint] ?? 0
                floorTotal += floor[endpoint] ?? 0
                madeTotal += stats.calls - stats.retries
                rows.append(
                    "| \(s.stage) | `\(endpoint)` | \(planned[endpoint] ?? 0) | \(floor[endpoint] ?? 0) | "
                        + "\(stats.calls - stats.retries) | \(stats.retries) | \(stats.throttled) | \(stats.failures) |"
                )
            }
        }
        guard !rows.isEmpty else { return "" }
        var out = "\n## This run: planned beside made\n\n"
        out += "\(plannedTotal) calls planned (NIM allows \(floorTotal)), \(madeTotal) made (retries aside), in "
        out += Self.duration(seconds)
        if let rate, rate > 0 { out += " (planned: \(Self.duration(Double(plannedTotal) / Double(rate))))" }
        out += ".\n\n"
        out += "| stage | endpoint | planned | fewest NIM allows | made | retries | 416s | failed |\n"
        out += "|---|---|---:|---:|---:|---:|---:|---:|\n"
        return out + rows.joined(separator: "\n") + "\n"
    }

    /// `42.0 s`, `3 min 20 s`, `2 h 5 min`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let total = Int(seconds.rounded())
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total % 3600 / 60) min"
    }
}
