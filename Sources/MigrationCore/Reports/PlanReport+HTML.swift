internal import Foundation

extension PlanReport {
    /// `plan.html` (issue 28): the same data as `plan.md` for the people who approve the cut-over —
    /// per stage items, calls beside NIM's floor and the time at the throttle's pace on one time
    /// axis; the problems by kind with their first lines by file:line; the hosts files come from;
    /// the pull's coverage; the operator's checklist.
    public func html(checklist: [String] = []) -> String {
        let e = HTMLPage.escape
        let floor = stages.reduce(0) { $0 + $1.floorCalls.values.reduce(0, +) }
        var body = "<header><h1>Migration plan: \(e(pipeline))</h1>\n"
        body += "<p class=\"lead\">A dry run: nothing was sent to the target. Every call of every stage shares one "
        body += "token bucket, so the binding limit is the target's rate (<code>throttle.rate</code>), not the tool's "
        body += "speed.</p>\n</header>\n"
        body += HTMLPage.summary(
            data: [
                ("rate", "\(rate)"), ("pace", HTMLPage.number(pace)), ("total-calls", "\(totalCalls)"),
                ("floor-calls", "\(floor)"), ("estimated-seconds", HTMLPage.number(estimatedSeconds)),
                ("verdict", verdict), ("exit-code", "\(exitCode)"),
            ],
            cards: [
                HTMLPage.card(HTMLPage.grouped(totalCalls), "REST calls"),
                HTMLPage.card(HTMLPage.grouped(floor), "fewest NIM allows"),
                HTMLPage.card(
                    RunReport.duration(estimatedSeconds), "at \(rate) calls/s (paced \(String(format: "%.1f", pace))/s)"
                ),
                HTMLPage.card(HTMLPage.grouped(problemCounts.errors), "lines not migrated"),
                HTMLPage.card(e(verdict), "verdict (exit \(exitCode))", figureClass: "verdict-\(verdict)"),
            ])
        body += stagesHTML
        body += timeChart
        body += endpointsHTML(floor: floor)
        body += hostsHTML
        if let pull { body += pull.hours.html(heading: "What the pull got (pull.html)") }
        body += Self.problemsHTML(problems, counts: problemCounts)
        if !checklist.isEmpty {
            body += HTMLPage.section(
                "checklist", "Before the cut-over: what the tool cannot do for you",
                "<ul class=\"checklist\">\n" + checklist.map { "<li>\(HTMLPage.inline($0))</li>\n" }.joined()
                    + "</ul>\n")
        }
        return HTMLPage.document(title: "Migration plan: \(pipeline)", kind: "plan", body: body)
    }

    /// The stages' table: items, calls, NIM's floor, time.
    private var stagesHTML: String {
        let rows = stages.map { s in
            let floor = s.floorCalls.values.reduce(0, +)
            return HTMLPage.Row(
                data: [
                    ("stage", "\(s.stage)"), ("items", "\(s.items)"), ("calls", "\(s.totalCalls)"),
                    ("floor-calls", "\(floor)"), ("seconds", HTMLPage.number(s.estimatedSeconds)),
                ],
                cells: [
                    .html("\(s.stage)"), .count(s.items), .count(s.totalCalls), .count(floor),
                    .figure(RunReport.duration(s.estimatedSeconds)),
                ])
        }
        return HTMLPage.tableSection(
            "stages", "Stages",
            [.text("stage"), .number("items"), .number("REST calls"), .number("fewest NIM allows"), .number("time")],
            rows)
    }

    /// The stages one after the other on one time axis (a bar each at the throttle's pace), with the
    /// time NIM's floor would take as a thinner bar under each.
    private var timeChart: String {
        let bars = stages.map { s in
            let floor = s.floorCalls.values.reduce(0, +)
            return HTMLPage.Bar(
                stage: s.stage, seconds: s.estimatedSeconds, title: "\(s.totalCalls) calls",
                under: Double(floor) / max(pace, 0.001), underTitle: "NIM's floor: \(floor) calls")
        }
        return HTMLPage.timeChart(
            heading: "Time at the throttle's pace", bars: bars, legend: ("planned calls", "the fewest NIM allows"))
    }

    /// Calls by endpoint beside the fewest NIM allows.
    private func endpointsHTML(floor: Int) -> String {
        let e = HTMLPage.escape
        let endpoints = stages.flatMap { s in
            Set(s.calls.keys).union(s.floorCalls.keys).map { (s.stage, $0, s.calls[$0] ?? 0, s.floorCalls[$0] ?? 0) }
        }
        guard !endpoints.isEmpty else { return "" }
        var out = ""
        if floor < totalCalls {
            out += "<p>NIM allows \(HTMLPage.grouped(floor)) calls for this work, "
            out += "\(HTMLPage.grouped(totalCalls - floor)) fewer (about "
            out += "\(RunReport.duration(Double(totalCalls - floor) / pace)) sooner): set "
            out += "<code>target.v2_endpoint</code> (SPEC §5 “Calls”).</p>\n"
        }
        let rows = endpoints.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }).map { stage, endpoint, calls, fewest in
            HTMLPage.Row(
                data: [
                    ("stage", "\(stage)"), ("endpoint", endpoint), ("calls", "\(calls)"), ("floor-calls", "\(fewest)"),
                ],
                cells: [.html("\(stage)"), .html("<code>\(e(endpoint))</code>"), .count(calls), .count(fewest)])
        }
        out += HTMLPage.table(
            [.text("stage"), .text("endpoint"), .number("calls"), .number("fewest NIM allows")], rows)
        return HTMLPage.section("endpoints", "REST calls by endpoint", out)
    }

    /// Where attachments, avatars and icons come from, allowed or refused.
    private var hostsHTML: String {
        guard !hosts.isEmpty else { return "" }
        let e = HTMLPage.escape
        var out = "<p>Only public hosts and those <code>files.allow</code> lists are fetched from; a refused reference "
        out += "keeps its old URL and is reported <code>url-refused</code>.</p>\n"
        let rows = hosts.map { line in
            HTMLPage.Row(
                data: [("host", line.host), ("references", "\(line.references)"), ("allowed", "\(line.allowed)")],
                cells: [
                    .html("<code>\(e(line.host))</code>"), .count(line.references),
                    .html(line.allowed ? "yes" : "<span class=\"refused\">refused</span>: \(e(line.why ?? ""))"),
                ])
        }
        out += HTMLPage.table([.text("host"), .number("references"), .text("fetched")], rows)
        return HTMLPage.section("hosts", "Where attachments, avatars and icons come from", out)
    }

    /// The problems: the count of each kind and its first ``listedPerKind`` by file and line.
    static func problemsHTML(_ listed: [Problem], counts: ProblemCounts) -> String {
        let e = HTMLPage.escape
        let heading = "Problems in the source"
        let data = [("errors", "\(counts.errors)"), ("warnings", "\(counts.warnings)")]
        if counts.byCode.isEmpty { return HTMLPage.section("problems", heading, data: data, "<p>None.</p>\n") }
        var out = "<p>\(HTMLPage.grouped(counts.errors)) lines not migrated, \(HTMLPage.grouped(counts.warnings)) "
        out += "warnings; every one is in <code>problems.jsonl</code>.</p>\n"
        let byCode = Dictionary(grouping: listed, by: \.code)
        for (code, count) in counts.byCode.sorted(by: { $0.key < $1.key }) {
            let shown = byCode[code] ?? []
            var items = shown.map { p in
                "<li data-file=\"\(e(p.file))\" data-line=\"\(p.line)\"><code>\(e(p.location))</code> "
                    + "<span class=\"sev-\(p.severity.rawValue)\">\(p.severity.rawValue)</span>: \(e(p.message))</li>\n"
            }
            if count > shown.count {
                items.append(
                    "<li>… and \(HTMLPage.grouped(count - shown.count)) more of this kind: every one is in "
                        + "<code>problems.jsonl</code></li>\n")
            }
            out += HTMLPage.kind(
                data: [("code", code), ("count", "\(count)"), ("listed", "\(shown.count)")],
                heading: "<code>\(e(code))</code> (\(HTMLPage.grouped(count)))", items: items)
        }
        return HTMLPage.section("problems", heading, data: data, out)
    }
}
