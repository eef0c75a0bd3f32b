internal import Foundation

extension PullReport {
    /// `pull.html` (issue 28): the same data as `pull.md`, with the history as a calendar of hours
    /// (days as rows, one cell an hour) coloured by state, so the gaps show at a glance.
    public func html() -> String {
        let e = HTMLPage.escape
        var body = "<header><h1>Pull: \(e(pipeline))</h1>\n"
        body += "<p class=\"lead\"><code>\(e(app))</code> at <code>\(e(host))</code>, "
        body += "<span data-seconds=\"\(HTMLPage.number(seconds))\">\(RunReport.duration(seconds))</span>; "
        body += "exit <span data-exit-code=\"\(exitCode)\">\(exitCode)</span></p>\n"
        if let halted { body += "<p class=\"refused\" id=\"halted\">Stopped early: \(e(halted))</p>\n" }
        body += "</header>\n"
        body += hours.html(heading: "History")
        body += listsHTML
        body += filesHTML
        if let estimate {
            body += "<section id=\"estimate\" data-estimate-seconds=\"\(HTMLPage.number(estimate.seconds))\" "
            body += "data-account-calls=\"\(estimate.accountCalls)\" data-block-calls=\"\(estimate.blockCalls)\" "
            body += "data-history-calls=\"\(estimate.historyCalls)\" data-file-calls=\"\(estimate.fileCalls)\">\n"
            body += "<h2>A full pull</h2>\n<p>At these limits a full pull of this app takes about "
            body +=
                "<b>\(RunReport.duration(estimate.seconds))</b>: \(HTMLPage.grouped(estimate.accountCalls)) account "
            body += "and group calls, \(HTMLPage.grouped(estimate.blockCalls)) blocklist calls, "
            body += "\(HTMLPage.grouped(estimate.historyCalls)) hours of history, "
            body += "\(HTMLPage.grouped(estimate.fileCalls)) files.</p>\n</section>\n"
        }
        body += "<section id=\"calls\">\n<h2>Calls to Easemob</h2>\n<table>\n"
        body += "<thead><tr><th>family</th><th class=\"n\">calls</th><th class=\"n\">429</th></tr></thead>\n<tbody>\n"
        for (family, line) in calls.sorted(by: { $0.key < $1.key }) {
            body +=
                "<tr data-family=\"\(e(family))\" data-calls=\"\(line.calls)\" data-throttled=\"\(line.throttled)\">"
            body += "<td>\(e(family))</td><td class=\"n\">\(HTMLPage.grouped(line.calls))</td>"
            body += "<td class=\"n\">\(HTMLPage.grouped(line.throttled))</td></tr>\n"
        }
        body += "</tbody>\n</table>\n</section>\n"
        return HTMLPage.document(title: "Pull: \(pipeline)", kind: "pull", body: body)
    }

    /// The lists: pages or owners saved, entries, the ids gone between their list and their detail.
    private var listsHTML: String {
        let e = HTMLPage.escape
        var out = "<section id=\"lists\">\n<h2>Lists</h2>\n<table>\n<thead><tr><th>list</th><th class=\"n\">pages</th>"
        out +=
            "<th class=\"n\">saved</th><th class=\"n\">entries</th><th>gone between list and detail</th></tr></thead>\n"
        out += "<tbody>\n"
        for line in lists {
            out += "<tr data-list=\"\(e(line.list))\" data-entries=\"\(line.entries)\" data-gone=\"\(line.gone.count)\""
            if let pages = line.pages { out += " data-pages=\"\(pages)\"" }
            if let saved = line.saved { out += " data-saved=\"\(saved)\"" }
            out += "><td>\(e(line.list))</td><td class=\"n\">\(line.pages.map(HTMLPage.grouped) ?? "")</td>"
            out += "<td class=\"n\">\(line.saved.map(HTMLPage.grouped) ?? "")</td>"
            out += "<td class=\"n\">\(HTMLPage.grouped(line.entries))</td><td>"
            out += line.gone.prefix(20).map { "<code>\(e($0))</code>" }.joined(separator: ", ")
            if line.gone.count > 20 { out += " … and \(line.gone.count - 20) more" }
            out += "</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// Attachments and avatars by state, and those not saved by the file and line that named them.
    private var filesHTML: String {
        let e = HTMLPage.escape
        var out = "<section id=\"files\" data-saved=\"\(files.saved)\" data-expired=\"\(files.expired)\" "
        out += "data-refused=\"\(files.refused)\" data-failed=\"\(files.failed)\" data-pending=\"\(files.pending)\">\n"
        out += "<h2>Attachments and avatars</h2>\n<div class=\"cards\">"
        for (name, count) in [
            ("saved", files.saved), ("expired", files.expired), ("refused", files.refused), ("failed", files.failed),
            ("pending", files.pending),
        ] {
            out += "<div class=\"card\"><b>\(HTMLPage.grouped(count))</b>\(name)</div>"
        }
        out += "</div>\n"
        if !files.unsaved.isEmpty {
            out += "<table id=\"unsaved\">\n<thead><tr><th>code</th><th>file:line</th><th>URL</th><th>why</th></tr>"
            out += "</thead>\n<tbody>\n"
            for file in files.unsaved {
                out += "<tr data-code=\"\(e(file.code))\" data-file=\"\(e(file.file))\" data-line=\"\(file.line)\">"
                out += "<td>\(e(file.code))</td><td><code>\(e(file.file)):\(file.line)</code></td>"
                out += "<td><code>\(e(file.url))</code></td><td>\(e(file.reason ?? ""))</td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        return out + "</section>\n"
    }
}

extension PullReport.Hours {
    /// The history's section: the counts, the calendar and the gaps (also in the plan's page).
    func html(heading: String) -> String {
        var out = "<section id=\"history\" data-saved=\"\(saved)\" data-empty=\"\(empty)\" "
        out += "data-too-new=\"\(tooNew.count)\" data-expired=\"\(expired)\" data-pending=\"\(pending.count)\">\n"
        out += "<h2>\(HTMLPage.escape(heading))</h2>\n"
        if let from, let to {
            out += "<p>Hours <code>\(HTMLPage.escape(from))</code> to <code>\(HTMLPage.escape(to))</code> "
            out += "(<code>yyyyMMddHH</code>, the cluster's time zone).</p>\n"
        }
        out += "<div class=\"cards\">"
        for (name, count) in [
            ("saved", saved), ("empty", empty), ("too new (asked again next pull)", tooNew.count),
            ("expired", expired), ("pending", pending.count),
        ] {
            out += "<div class=\"card\"><b>\(HTMLPage.grouped(count))</b>\(name)</div>"
        }
        out += "</div>\n"
        out += calendarHTML
        if !gaps.isEmpty {
            out += "<h3>Gaps: hours Easemob no longer keeps (their messages cannot be pulled)</h3>\n<ul id=\"gaps\">\n"
            for gap in gaps {
                out += "<li data-from=\"\(HTMLPage.escape(gap.from))\" data-to=\"\(HTMLPage.escape(gap.to))\" "
                out += "data-hours=\"\(gap.hours)\"><code>\(HTMLPage.escape(gap.from))</code> – "
                out += "<code>\(HTMLPage.escape(gap.to))</code> (\(gap.hours) h)</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    /// The calendar: a row a day, a cell an hour, its class its state.
    private var calendarHTML: String {
        guard let calendar, let from, let start = HourKey(from) else { return "" }
        let names: [Character: String] = [
            "s": "saved", "e": "empty", "n": "too-new", "x": "expired", "p": "pending", "-": "none",
        ]
        var out = "<div class=\"legend\">"
        for (name, label) in [
            ("saved", "saved"), ("empty", "empty"), ("too-new", "too new"), ("expired", "expired"),
            ("pending", "pending"),
        ] {
            out += "<span><i class=\"swatch \(name)\"></i>\(label)</span>"
        }
        out += "</div>\n<table class=\"calendar\" id=\"calendar\">\n<thead><tr><th></th>"
        for hour in 0..<24 { out += "<th>\(hour < 10 ? "0" : "")\(hour)</th>" }
        out += "</tr></thead>\n<tbody>\n"
        var key = start
        var day = ""
        var column = 24
        func close() {
            if column < 24 { out += String(repeating: "<td class=\"h none\"></td>", count: 24 - column) }
            if !day.isEmpty { out += "</tr>\n" }
        }
        for letter in calendar {
            let text = key.text
            let keyDay = String(text.prefix(8))
            if keyDay != day {
                close()
                day = keyDay
                let label = "\(keyDay.prefix(4))-\(keyDay.dropFirst(4).prefix(2))-\(keyDay.suffix(2))"
                out += "<tr data-day=\"\(keyDay)\"><th class=\"day\">\(label)</th>"
                column = Int(text.suffix(2)) ?? 0
                out += String(repeating: "<td class=\"h none\"></td>", count: column)
            }
            let name = names[letter] ?? "none"
            out += "<td class=\"h \(name)\" data-hour=\"\(text)\" title=\"\(text) \(name)\"></td>"
            column += 1
            key = key.next(offset: 0)
        }
        close()
        return out + "</tbody>\n</table>\n"
    }
}
