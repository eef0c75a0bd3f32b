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
        body += "<section id=\"summary\" data-status=\"\(e(status))\" data-exit-code=\"\(exitCode)\" "
        body += "data-done=\"\(done)\" data-failed=\"\(failedItems)\" data-total-calls=\"\(calls)\" "
        body += "data-pauses=\"\(pauses.count)\">\n<div class=\"cards\">"
        for (value, label) in [
            (done, "items done"), (failedItems, "items failed (failed.jsonl)"), (calls, "REST calls"),
            (stages.reduce(0) { $0 + $1.throttled }, "416s"), (pauses.count, "pauses of the target"),
        ] {
            body += "<div class=\"card\"><b>\(HTMLPage.grouped(value))</b>\(label)</div>"
        }
        body += "</div>\n</section>\n"
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
            body += "<section id=\"pauses\">\n<h2>Pauses: the target did not answer</h2>\n"
            body += "<p>No item was failed for these; calls waited and went on when the target answered.</p>\n<ul>\n"
            for pause in pauses {
                body += "<li data-started-at=\"\(pause.startedAt)\" data-outcome=\"\(e(pause.outcome))\">"
                body += "\(e(pause.text))</li>\n"
            }
            body += "</ul>\n</section>\n"
        }
        body += PlanReport.problemsHTML(listedProblems, counts: problems)
        body += "<p class=\"muted\">Every failed item and rejected line, with file, line and reason: "
        body += "<code>failed.jsonl</code>.</p>\n"
        return HTMLPage.document(title: "Migration report: \(pipeline)", kind: "report", body: body)
    }

    /// Items by outcome, calls, retries, 416s and wall time per stage.
    private var stagesHTML: String {
        var out = "<section id=\"stages\">\n<h2>Stages</h2>\n<table>\n<thead><tr><th>stage</th>"
        for title in ["done", "failed", "skipped", "pending", "REST calls", "retries", "416s", "wall time"] {
            out += "<th class=\"n\">\(title)</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for s in stages {
            let pending = s.items.pending + s.items.inFlight
            out += "<tr data-stage=\"\(s.stage)\" data-done=\"\(s.items.done)\" data-failed=\"\(s.items.failed)\" "
            out += "data-skipped=\"\(s.items.skipped)\" data-pending=\"\(pending)\" data-calls=\"\(s.totalCalls)\" "
            out += "data-retries=\"\(s.retries)\" data-throttled=\"\(s.throttled)\" "
            out += "data-seconds=\"\(HTMLPage.number(s.wallTimeSeconds))\"><td>\(s.stage)</td>"
            for value in [s.items.done, s.items.failed, s.items.skipped, pending, s.totalCalls, s.retries, s.throttled]
            {
                out += "<td class=\"n\">\(HTMLPage.grouped(value))</td>"
            }
            out += "<td class=\"n\">\(Self.duration(s.wallTimeSeconds))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// The failed items by reason: the count of each and its first items by file:line and key.
    private var failuresHTML: String {
        guard failedItems > 0 else { return "" }
        let e = HTMLPage.escape
        let listed = failureReasons.reduce(0) { $0 + $1.count }
        var out = "<section id=\"failures\" data-failed=\"\(failedItems)\" data-reasons=\"\(failureReasons.count)\">\n"
        out += "<h2>Failed items by reason</h2>\n<p>Failed items: \(HTMLPage.grouped(failedItems)); every one is in "
        out += "<code>failed.jsonl</code> with its reason; <code>run --retry-failed</code> tries them again.</p>\n"
        for reason in failureReasons {
            out += "<div class=\"kind\" data-stage=\"\(reason.stage)\" data-code=\"\(e(reason.code))\" "
            out +=
                "data-desc=\"\(e(reason.desc))\" data-count=\"\(reason.count)\" data-listed=\"\(reason.items.count)\">\n"
            out += "<h3>\(reason.stage): <code>\(e(reason.code))</code> \(e(reason.desc)) "
            out += "(\(HTMLPage.grouped(reason.count)))</h3>\n<ul>\n"
            for item in reason.items {
                out += "<li data-key=\"\(e(item.key))\""
                if let file = item.file { out += " data-file=\"\(e(file))\"" }
                if let line = item.line { out += " data-line=\"\(line)\"" }
                out += "><code>\(e(item.location))</code>"
                if item.file != nil { out += " \(e(item.key))" }
                out += "</li>\n"
            }
            if reason.count > reason.items.count {
                out += "<li>… and \(HTMLPage.grouped(reason.count - reason.items.count)) more</li>\n"
            }
            out += "</ul>\n</div>\n"
        }
        if listed < failedItems {
            out += "<p data-unlisted=\"\(failedItems - listed)\">… and \(HTMLPage.grouped(failedItems - listed)) "
            out += "items that failed for rarer reasons.</p>\n"
        }
        return out + "</section>\n"
    }

    /// The last run's calls per endpoint: planned, NIM's floor, made (retries aside), retries, 416s, failed.
    private var plannedHTML: String {
        var rows = ""
        for s in stages {
            let planned = s.plannedCalls ?? [:]
            let floor = s.floorCalls ?? planned
            let made = s.runCalls ?? [:]
            for endpoint in Set(planned.keys).union(made.keys).union(floor.keys).sorted() {
                let stats = made[endpoint] ?? CallStats()
                let e = HTMLPage.escape(endpoint)
                rows +=
                    "<tr data-stage=\"\(s.stage)\" data-endpoint=\"\(e)\" data-planned=\"\(planned[endpoint] ?? 0)\" "
                rows += "data-floor-calls=\"\(floor[endpoint] ?? 0)\" data-made=\"\(stats.calls - stats.retries)\">"
                rows += "<td>\(s.stage)</td><td><code>\(e)</code></td>"
                for value in [
                    planned[endpoint] ?? 0, floor[endpoint] ?? 0, stats.calls - stats.retries, stats.retries,
                    stats.throttled, stats.failures,
                ] {
                    rows += "<td class=\"n\">\(HTMLPage.grouped(value))</td>"
                }
                rows += "</tr>\n"
            }
        }
        guard !rows.isEmpty else { return "" }
        var out = "<section id=\"planned\">\n<h2>This run: planned beside made</h2>\n<table>\n<thead><tr>"
        out += "<th>stage</th><th>endpoint</th>"
        for title in ["planned", "fewest NIM allows", "made", "retries", "416s", "failed"] {
            out += "<th class=\"n\">\(title)</th>"
        }
        return out + "</tr></thead>\n<tbody>\n" + rows + "</tbody>\n</table>\n</section>\n"
    }
}
