internal import Foundation

/// The shell shared by `plan.html`, `report.html`, `verify.html` and `pull.html` (issue 28): one
/// self-contained file each, inline CSS and inline SVG only — no script, no font, no image, nothing
/// fetched — so the page opens on an air-gapped laptop, prints whole and follows a dark-mode browser.
///
/// Every text that comes from the data (an export's ids, messages, host names) goes through
/// ``escape(_:)``; numbers are written as `data-*` attributes beside their text, so a test (or a
/// person with the browser's inspector) can check them against the JSON.
enum HTMLPage {
    /// `text` safe inside an element and inside a double- or single-quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Controls other than tab and newline cannot appear in an HTML document.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" || scalar.value == 0x7F {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Escapes `text` and sets the spans between backticks (as the Markdown reports write them) in
    /// `<code>`.
    static func inline(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return escape(text) }
        var out = ""
        for (index, part) in parts.enumerated() {
            let escaped = escape(String(part))
            if index % 2 == 1 && index < parts.count - 1 {
                out += "<code>\(escaped)</code>"
            } else {
                out += index % 2 == 1 ? "`" + escaped : escaped
            }
        }
        return out
    }

    /// A number for a `data-*` attribute, written as the JSON writes it (so the page and the JSON
    /// agree to the last digit).
    static func number(_ value: Double) -> String {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }

    /// An integer with thousands separators (`1,868`).
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// One stage's bar on a time axis, and a thinner bar under it (NIM's floor, or the plan).
    struct Bar {
        var stage: StageID
        var seconds: Double
        var title: String
        var under: Double
        var underTitle: String
    }

    /// The stages one after the other on one time axis, as an inline SVG in `<section id="timeline">`:
    /// each `rect.bar` carries its stage and seconds, each `rect.under` the thinner bar's.
    static func timeChart(heading: String, bars: [Bar], legend: (bar: String, under: String)) -> String {
        let width = 1000.0
        let left = 110.0
        let plot = width - left - 20
        let row = 34.0
        let top = 10.0
        let axisY = top + row * Double(bars.count) + 4
        let total = max(bars.reduce(0) { $0 + max($1.seconds, $1.under) }, bars.reduce(0) { $0 + $1.seconds }, 0.001)
        func x(_ seconds: Double) -> String { String(format: "%.1f", left + plot * seconds / total) }
        func w(_ seconds: Double) -> String { String(format: "%.1f", plot * max(seconds, 0) / total) }
        var out = "<section id=\"timeline\">\n<h2>\(escape(heading))</h2>\n"
        out += "<svg class=\"chart\" id=\"time-chart\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(axisY + 26))\">\n"
        out += "<title>\(escape(heading)): \(RunReport.duration(bars.reduce(0) { $0 + $1.seconds })) in all</title>\n"
        for tick in 0...4 {
            let seconds = total * Double(tick) / 4
            out += "<line class=\"grid\" x1=\"\(x(seconds))\" y1=\"\(top)\" x2=\"\(x(seconds))\" y2=\"\(axisY)\"/>"
            out += "<text x=\"\(x(seconds))\" y=\"\(axisY + 16)\" text-anchor=\"middle\">"
            out += "\(tick == 0 ? "0" : RunReport.duration(seconds))</text>\n"
        }
        out += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(axisY)\" x2=\"\(left + plot)\" y2=\"\(axisY)\"/>\n"
        var start = 0.0
        for (index, bar) in bars.enumerated() {
            let y = top + row * Double(index)
            out += "<text x=\"\(left - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(bar.stage)</text>"
            out += "<rect class=\"bar\" data-stage=\"\(bar.stage)\" data-seconds=\"\(number(bar.seconds))\" "
            out += "x=\"\(x(start))\" y=\"\(y + 2)\" width=\"\(w(bar.seconds))\" height=\"16\">"
            out += "<title>\(bar.stage): \(escape(bar.title)), \(RunReport.duration(bar.seconds))</title></rect>"
            out += "<rect class=\"under\" data-stage=\"\(bar.stage)\" data-seconds=\"\(number(bar.under))\" "
            out += "x=\"\(x(start))\" y=\"\(y + 20)\" width=\"\(w(bar.under))\" height=\"6\">"
            out += "<title>\(escape(bar.underTitle)), \(RunReport.duration(bar.under))</title></rect>\n"
            start += bar.seconds
        }
        out += "</svg>\n" + Self.legend([("bar", legend.bar), ("floor", legend.under)]) + "</section>\n"
        return out
    }

    /// The whole document: `kind` names the page (`plan`, `pull`) on `<body data-page>`.
    static func document(title: String, kind: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body data-page="\(escape(kind))">
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// The style sheet: light by default, dark with `prefers-color-scheme`, plain on paper.
    static let css = """
        :root { --fg: #1d2330; --bg: #ffffff; --muted: #5b6475; --line: #d8dce4; --panel: #f4f6f9;
          --bar: #3b6fd8; --floor: #9db7ec; --saved: #2e9d5b; --empty: #c9ced8; --toonew: #e0a526;
          --expired: #d8413a; --pending: #8a5cd1; --none: transparent; --error: #c0352f; --warn: #a86a00; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e3e7ef; --bg: #15181e; --muted: #9aa3b5; --line: #333a47; --panel: #1e232b;
            --bar: #6b97f0; --floor: #34507f; --saved: #3fb96f; --empty: #3b4250; --toonew: #e6b43d;
            --expired: #f0625a; --pending: #a57ff0; --error: #f0625a; --warn: #e6b43d; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--fg); background: var(--bg);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
        main { max-width: 1100px; margin: 0 auto; padding: 24px; }
        h1 { font-size: 1.6em; margin: 0 0 4px; }
        h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 1em; margin: 16px 0 4px; }
        p.lead, .muted { color: var(--muted); }
        code { font: 0.92em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--panel);
          padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
        table { border-collapse: collapse; margin: 8px 0; }
        th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px;
          min-width: 140px; }
        .card b { display: block; font-size: 1.4em; font-variant-numeric: tabular-nums; }
        .verdict-done { color: var(--saved); } .verdict-incomplete { color: var(--error); }
        .sev-error { color: var(--error); } .sev-warning { color: var(--warn); }
        .refused { color: var(--error); font-weight: 600; }
        ul.checklist { list-style: none; padding-left: 0; }
        ul.checklist li { margin: 6px 0; padding-left: 1.6em; text-indent: -1.6em; }
        ul.checklist li::before { content: "\\2610\\00a0\\00a0"; }
        svg.chart { width: 100%; height: auto; font-size: 12px; }
        svg.chart text { fill: var(--fg); }
        svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
        svg.chart .grid { stroke: var(--line); stroke-width: 1; }
        svg.chart rect.bar { fill: var(--bar); }
        svg.chart rect.under { fill: var(--floor); }
        svg.chart rect.migrated { fill: var(--saved); } svg.chart rect.reported { fill: var(--toonew); }
        svg.chart rect.pending { fill: var(--pending); } svg.chart rect.unaccounted { fill: var(--error); }
        .legend span { display: inline-block; margin-right: 14px; }
        .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px;
          vertical-align: -1px; border: 1px solid var(--line); }
        table.calendar { border-collapse: separate; border-spacing: 2px; }
        table.calendar th, table.calendar td { border: 0; padding: 0; }
        table.calendar th.day { padding-right: 8px; font-weight: normal; white-space: nowrap;
          font-variant-numeric: tabular-nums; }
        table.calendar thead th { font-size: 10px; color: var(--muted); text-align: center; font-weight: normal; }
        table.calendar td.h { width: 18px; height: 14px; border-radius: 2px; }
        .saved { background: var(--saved); } .empty { background: var(--empty); }
        .too-new { background: var(--toonew); } .expired { background: var(--expired); }
        .pending { background: var(--pending); } .none { background: var(--none); }
        @media print {
          :root { --fg: #000; --bg: #fff; --muted: #444; --line: #bbb; --panel: #f2f2f2; }
          body { font-size: 11pt; }
          main { max-width: none; padding: 0; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          tr, li, svg, .card { break-inside: avoid; }
          h2 { break-after: avoid; }
        }
        """
}
