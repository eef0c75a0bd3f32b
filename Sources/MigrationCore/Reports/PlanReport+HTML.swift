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
        body += "<section id=\"summary\" data-rate=\"\(rate)\" data-pace=\"\(HTMLPage.number(pace))\" "
        body += "data-total-calls=\"\(totalCalls)\" data-floor-calls=\"\(floor)\" "
        body += "data-estimated-seconds=\"\(HTMLPage.number(estimatedSeconds))\" data-verdict=\"\(e(verdict))\" "
        body += "data-exit-code=\"\(exitCode)\">\n<div class=\"cards\">"
        body += "<div class=\"card\"><b>\(HTMLPage.grouped(totalCalls))</b>REST calls</div>"
        body += "<div class=\"card\"><b>\(HTMLPage.grouped(floor))</b>fewest NIM allows</div>"
        body += "<div class=\"card\"><b>\(RunReport.duration(estimatedSeconds))</b>at \(rate) calls/s "
        body += "(paced \(String(format: "%.1f", pace))/s)</div>"
        body += "<div class=\"card\"><b>\(HTMLPage.grouped(problemCounts.errors))</b>lines not migrated</div>"
        body +=
            "<div class=\"card\"><b class=\"verdict-\(e(verdict))\">\(e(verdict))</b>verdict (exit \(exitCode))</div>"
        body += "</div>\n</section>\n"
        body += stagesHTML
        body += timeChart
        body += endpointsHTML(floor: floor)
        body += hostsHTML
        if let pull { body += pull.hours.html(heading: "What the pull got (pull.html)") }
        body += Self.problemsHTML(problems, counts: problemCounts)
        if !checklist.isEmpty {
            body += "<section id=\"checklist\">\n<h2>Before the cut-over: what the tool cannot do for you</h2>\n"
            body += "<ul class=\"checklist\">\n"
            body += checklist.map { "<li>\(HTMLPage.inline($0))</li>\n" }.joined()
            body += "</ul>\n</section>\n"
        }
        return HTMLPage.document(title: "Migration plan: \(pipeline)", kind: "plan", body: body)
    }

    /// The stages' table: items, calls, NIM's floor, time.
    private var stagesHTML: String {
        var out = "<section id=\"stages\">\n<h2>Stages</h2>\n<table>\n<thead><tr><th>stage</th>"
        out += "<th class=\"n\">items</th><th class=\"n\">REST calls</th><th class=\"n\">fewest NIM allows</th>"
        out += "<th class=\"n\">time</th></tr></thead>\n<tbody>\n"
        for s in stages {
            let floor = s.floorCalls.values.reduce(0, +)
            out += "<tr data-stage=\"\(s.stage)\" data-items=\"\(s.items)\" data-calls=\"\(s.totalCalls)\" "
            out += "data-floor-calls=\"\(floor)\" data-seconds=\"\(HTMLPage.number(s.estimatedSeconds))\">"
            out += "<td>\(s.stage)</td><td class=\"n\">\(HTMLPage.grouped(s.items))</td>"
            out +=
                "<td class=\"n\">\(HTMLPage.grouped(s.totalCalls))</td><td class=\"n\">\(HTMLPage.grouped(floor))</td>"
            out += "<td class=\"n\">\(RunReport.duration(s.estimatedSeconds))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
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
        var out = "<section id=\"endpoints\">\n<h2>REST calls by endpoint</h2>\n"
        if floor < totalCalls {
            out += "<p>NIM allows \(HTMLPage.grouped(floor)) calls for this work, "
            out += "\(HTMLPage.grouped(totalCalls - floor)) fewer (about "
            out += "\(RunReport.duration(Double(totalCalls - floor) / pace)) sooner): set "
            out += "<code>target.v2_endpoint</code> (SPEC §5 “Calls”).</p>\n"
        }
        out += "<table>\n<thead><tr><th>stage</th><th>endpoint</th><th class=\"n\">calls</th>"
        out += "<th class=\"n\">fewest NIM allows</th></tr></thead>\n<tbody>\n"
        for (stage, endpoint, calls, fewest) in endpoints.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            out += "<tr data-stage=\"\(stage)\" data-endpoint=\"\(e(endpoint))\" data-calls=\"\(calls)\" "
            out += "data-floor-calls=\"\(fewest)\"><td>\(stage)</td><td><code>\(e(endpoint))</code></td>"
            out +=
                "<td class=\"n\">\(HTMLPage.grouped(calls))</td><td class=\"n\">\(HTMLPage.grouped(fewest))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// Where attachments, avatars and icons come from, allowed or refused.
    private var hostsHTML: String {
        guard !hosts.isEmpty else { return "" }
        let e = HTMLPage.escape
        var out = "<section id=\"hosts\">\n<h2>Where attachments, avatars and icons come from</h2>\n"
        out += "<p>Only public hosts and those <code>files.allow</code> lists are fetched from; a refused reference "
        out += "keeps its old URL and is reported <code>url-refused</code>.</p>\n<table>\n<thead><tr><th>host</th>"
        out += "<th class=\"n\">references</th><th>fetched</th></tr></thead>\n<tbody>\n"
        for line in hosts {
            out += "<tr data-host=\"\(e(line.host))\" data-references=\"\(line.references)\" "
            out += "data-allowed=\"\(line.allowed)\"><td><code>\(e(line.host))</code></td>"
            out += "<td class=\"n\">\(HTMLPage.grouped(line.references))</td><td>"
            out += line.allowed ? "yes" : "<span class=\"refused\">refused</span>: \(e(line.why ?? ""))"
            out += "</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// The problems: the count of each kind and its first ``listedPerKind`` by file and line.
    static func problemsHTML(_ listed: [Problem], counts: ProblemCounts) -> String {
        let e = HTMLPage.escape
        var out = "<section id=\"problems\" data-errors=\"\(counts.errors)\" data-warnings=\"\(counts.warnings)\">\n"
        out += "<h2>Problems in the source</h2>\n"
        if counts.byCode.isEmpty { return out + "<p>None.</p>\n</section>\n" }
        out += "<p>\(HTMLPage.grouped(counts.errors)) lines not migrated, \(HTMLPage.grouped(counts.warnings)) "
        out += "warnings; every one is in <code>problems.jsonl</code>.</p>\n"
        let byCode = Dictionary(grouping: listed, by: \.code)
        for (code, count) in counts.byCode.sorted(by: { $0.key < $1.key }) {
            let shown = byCode[code] ?? []
            out +=
                "<div class=\"kind\" data-code=\"\(e(code))\" data-count=\"\(count)\" data-listed=\"\(shown.count)\">"
            out += "\n<h3><code>\(e(code))</code> (\(HTMLPage.grouped(count)))</h3>\n<ul>\n"
            for p in shown {
                out += "<li data-file=\"\(e(p.file))\" data-line=\"\(p.line)\"><code>\(e(p.location))</code> "
                out +=
                    "<span class=\"sev-\(p.severity.rawValue)\">\(p.severity.rawValue)</span>: \(e(p.message))</li>\n"
            }
            if count > shown.count {
                out += "<li>… and \(HTMLPage.grouped(count - shown.count)) more of this kind: every one is in "
                out += "<code>problems.jsonl</code></li>\n"
            }
            out += "</ul>\n</div>\n"
        }
        return out + "</section>\n"
    }
}
