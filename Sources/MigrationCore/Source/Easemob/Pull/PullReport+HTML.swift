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
            body += HTMLPage.section(
                "estimate", "A full pull",
                data: [
                    ("estimate-seconds", HTMLPage.number(estimate.seconds)),
                    ("account-calls", "\(estimate.accountCalls)"), ("block-calls", "\(estimate.blockCalls)"),
                    ("history-calls", "\(estimate.historyCalls)"), ("file-calls", "\(estimate.fileCalls)"),
                ],
                "<p>At these limits a full pull of this app takes about <b>\(RunReport.duration(estimate.seconds))</b>: "
                    + "\(HTMLPage.grouped(estimate.accountCalls)) account and group calls, "
                    + "\(HTMLPage.grouped(estimate.blockCalls)) blocklist calls, "
                    + "\(HTMLPage.grouped(estimate.historyCalls)) hours of history, "
                    + "\(HTMLPage.grouped(estimate.fileCalls)) files.</p>\n")
        }
        let rows = calls.sorted(by: { $0.key < $1.key }).map { family, line in
            HTMLPage.Row(
                data: [("family", family), ("calls", "\(line.calls)"), ("throttled", "\(line.throttled)")],
                cells: [.html(e(family)), .count(line.calls), .count(line.throttled)])
        }
        body += HTMLPage.tableSection(
            "calls", "Calls to Easemob", [.text("family"), .number("calls"), .number("429")], rows)
        return HTMLPage.document(title: "Pull: \(pipeline)", kind: "pull", body: body)
    }

    /// The lists: pages or owners saved, entries, the ids gone between their list and their detail.
    private var listsHTML: String {
        let e = HTMLPage.escape
        let rows = lists.map { line in
            var data = [("list", line.list), ("entries", "\(line.entries)"), ("gone", "\(line.gone.count)")]
            if let pages = line.pages { data.append(("pages", "\(pages)")) }
            if let saved = line.saved { data.append(("saved", "\(saved)")) }
            var gone = line.gone.prefix(20).map { "<code>\(e($0))</code>" }.joined(separator: ", ")
            if line.gone.count > 20 { gone += " … and \(line.gone.count - 20) more" }
            return HTMLPage.Row(
                data: data,
                cells: [
                    .html(e(line.list)), .figure(line.pages.map(HTMLPage.grouped) ?? ""),
                    .figure(line.saved.map(HTMLPage.grouped) ?? ""), .count(line.entries), .html(gone),
                ])
        }
        return HTMLPage.tableSection(
            "lists", "Lists",
            [
                .text("list"), .number("pages"), .number("saved"), .number("entries"),
                .text("gone between list and detail"),
            ], rows)
    }

    /// Attachments and avatars by state, and those not saved by the file and line that named them.
    private var filesHTML: String {
        let e = HTMLPage.escape
        let counts = [
            ("saved", files.saved), ("expired", files.expired), ("refused", files.refused), ("failed", files.failed),
            ("pending", files.pending),
        ]
        var out = HTMLPage.cards(counts.map { ($1, $0) })
        if !files.unsaved.isEmpty {
            out += HTMLPage.table(
                id: "unsaved", [.text("code"), .text("file:line"), .text("URL"), .text("why")],
                files.unsaved.map { file in
                    HTMLPage.Row(
                        data: [("code", file.code), ("file", file.file), ("line", "\(file.line)")],
                        cells: [
                            .html(e(file.code)), .html("<code>\(e(file.file)):\(file.line)</code>"),
                            .html("<code>\(e(file.url))</code>"), .html(e(file.reason ?? "")),
                        ])
                })
        }
        return HTMLPage.section(
            "files", "Attachments and avatars", data: counts.map { ($0, "\($1)") }, out)
    }
}

extension PullReport.Hours {
    /// The history's section: the counts, the calendar and the gaps (also in the plan's page).
    func html(heading: String) -> String {
        var out = ""
        if let from, let to {
            out += "<p>Hours <code>\(HTMLPage.escape(from))</code> to <code>\(HTMLPage.escape(to))</code> "
            out += "(<code>yyyyMMddHH</code>, the cluster's time zone).</p>\n"
        }
        out += HTMLPage.cards([
            (saved, "saved"), (empty, "empty"), (tooNew.count, "too new (asked again next pull)"),
            (expired, "expired"), (pending.count, "pending"),
        ])
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
        return HTMLPage.section(
            "history", heading,
            data: [
                ("saved", "\(saved)"), ("empty", "\(empty)"), ("too-new", "\(tooNew.count)"), ("expired", "\(expired)"),
                ("pending", "\(pending.count)"),
            ], out)
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
