internal import Foundation

extension RunReport {
    /// `report.html` (issue 28): the same data as `report.md` for the morning after — items by
    /// outcome per stage, the failed items by reason, the last run's wall time per stage on one time axis beside the planned
    /// time, calls planned beside made, the target's pauses, the problems by kind by file:line.
    public func html() -> String {
        let e = HTMLPage.escape
        var body = "<header><h1>Migration report: \(e(pipeline))</h1>\n<p class=\"lead\">Outcome: "
        body += "<b class=\"verdict-\(status == "done" ? "done" : "incomplete")\">\(e(status))</b> (exit \(exitCode))"
        if let runID { body += ", run \(runID)" }
        body += "</p>\n</header>\n"
        let done = stages.reduce(0) { $0 + $1.items.done }
        let calls = stages.reduce(0) { $0 + $1.totalCalls }
        body += HTMLPage.summary(
            data: [
                ("status", status), ("exit-code", "\(exitCode)"), ("done", "\(done)"), ("failed", "\(failedItems)"),
                ("total-calls", "\(calls)"), ("pauses", "\(pauses.count)"),
            ],
            cards: [
                (done, "items done"), (failedItems, "items failed (failed.jsonl)"), (calls, "REST calls"),
                (stages.reduce(0) { $0 + $1.throttled }, "416s"), (pauses.count, "pauses of the target"),
            ].map { HTMLPage.card(HTMLPage.grouped($0), $1) })
        body += stagesHTML
        if stages.contains(where: { $0.runWallTimeSeconds != nil }) {
            let bars = stages.map { s in
                let planned = (s.plannedCalls ?? [:]).values.reduce(0, +)
                return HTMLPage.Bar(
                    stage: s.stage, seconds: s.runWallTimeSeconds ?? 0, title: "\(s.totalCalls) calls",
                    under: rate.map { Double(planned) / Double(max($0, 1)) } ?? 0,
                    underTitle: "planned: \(planned) calls")
            }
            body += HTMLPage.timeChart(
                heading: "This run's time per stage", bars: bars,
                legend: ("wall time of this run", "planned at throttle.rate"))
        }
        body += failuresHTML
        body += plannedHTML
        if !pauses.isEmpty {
            var list = "<p>No item was failed for these; calls waited and went on when the target answered.</p>\n<ul>\n"
            for pause in pauses {
                list += "<li data-started-at=\"\(pause.startedAt)\" data-outcome=\"\(e(pause.outcome))\">"
                list += "\(e(pause.text))</li>\n"
            }
            body += HTMLPage.section("pauses", "Pauses: the target did not answer", list + "</ul>\n")
        }
        body += PlanReport.problemsHTML(listedProblems, counts: problems)
        body += "<p class=\"muted\">Every failed item and rejected line, with file, line and reason: "
        body += "<code>failed.jsonl</code>.</p>\n"
        return HTMLPage.document(title: "Migration report: \(pipeline)", kind: "report", body: body)
    }

    /// Items by outcome, calls, retries, 416s and wall time per stage.
    private var stagesHTML: String {
        let columns = ["done", "failed", "skipped", "pending", "REST calls", "retries", "416s", "wall time"]
        let rows = stages.map { s in
            let pending = s.items.pending + s.items.inFlight
            let counts = [s.items.done, s.items.failed, s.items.skipped, pending, s.totalCalls, s.retries, s.throttled]
            return HTMLPage.Row(
                data: [
                    ("stage", "\(s.stage)"), ("done", "\(s.items.done)"), ("failed", "\(s.items.failed)"),
                    ("skipped", "\(s.items.skipped)"), ("pending", "\(pending)"), ("calls", "\(s.totalCalls)"),
                    ("retries", "\(s.retries)"), ("throttled", "\(s.throttled)"),
                    ("seconds", HTMLPage.number(s.wallTimeSeconds)),
                ],
                cells: [.html("\(s.stage)")] + counts.map(HTMLPage.Cell.count)
                    + [.figure(Self.duration(s.wallTimeSeconds))])
        }
        return HTMLPage.tableSection("stages", "Stages", [.text("stage")] + columns.map(HTMLPage.Column.number), rows)
    }

    /// The failed items by reason: the count of each and its first items by file:line and key.
    private var failuresHTML: String {
        guard failedItems > 0 else { return "" }
        let e = HTMLPage.escape
        let listed = failureReasons.reduce(0) { $0 + $1.count }
        var out = "<p>Failed items: \(HTMLPage.grouped(failedItems)); every one is in "
        out += "<code>failed.jsonl</code> with its reason; <code>run --retry-failed</code> tries them again.</p>\n"
        for reason in failureReasons {
            var items = reason.items.map { item in
                var li = "<li data-key=\"\(e(item.key))\""
                if let file = item.file { li += " data-file=\"\(e(file))\"" }
                if let line = item.line { li += " data-line=\"\(line)\"" }
                li += "><code>\(e(item.location))</code>"
                if item.file != nil { li += " \(e(item.key))" }
                return li + "</li>\n"
            }
            if reason.count > reason.items.count {
                items.append("<li>… and \(HTMLPage.grouped(reason.count - reason.items.count)) more</li>\n")
            }
            out += HTMLPage.kind(
                data: [
                    ("stage", "\(reason.stage)"), ("code", reason.code), ("desc", reason.desc),
                    ("count", "\(reason.count)"), ("listed", "\(reason.items.count)"),
                ],
                heading: "\(reason.stage): <code>\(e(reason.code))</code> \(e(reason.desc)) "
                    + "(\(HTMLPage.grouped(reason.count)))",
                items: items)
        }
        if listed < failedItems {
            out += "<p data-unlisted=\"\(failedItems - listed)\">… and \(HTMLPage.grouped(failedItems - listed)) "
            out += "items that failed for rarer reasons.</p>\n"
        }
        return HTMLPage.section(
            "failures", "Failed items by reason",
            data: [("failed", "\(failedItems)"), ("reasons", "\(failureReasons.count)")], out)
    }

    /// The last run's calls per endpoint: planned, NIM's floor, made (retries aside), retries, 416s, failed.
    private var plannedHTML: String {
        var rows: [HTMLPage.Row] = []
        for s in stages {
            let planned = s.plannedCalls ?? [:]
            let floor = s.floorCalls ?? planned
            let made = s.runCalls ?? [:]
            for endpoint in Set(planned.keys).union(made.keys).union(floor.keys).sorted() {
                let stats = made[endpoint] ?? CallStats()
                let counts = [
                    planned[endpoint] ?? 0, floor[endpoint] ?? 0, stats.calls - stats.retries, stats.retries,
                    stats.throttled, stats.failures,
                ]
                rows.append(
                    HTMLPage.Row(
                        data: [
                            ("stage", "\(s.stage)"), ("endpoint", endpoint), ("planned", "\(counts[0])"),
                            ("floor-calls", "\(counts[1])"), ("made", "\(counts[2])"),
                        ],
                        cells: [.html("\(s.stage)"), .html("<code>\(HTMLPage.escape(endpoint))</code>")]
                            + counts.map(HTMLPage.Cell.count)))
            }
        }
        guard !rows.isEmpty else { return "" }
        let columns = ["planned", "fewest NIM allows", "made", "retries", "416s", "failed"]
        return HTMLPage.tableSection(
            "planned", "This run: planned beside made",
            [.text("stage"), .text("endpoint")] + columns.map(HTMLPage.Column.number), rows)
    }
}
