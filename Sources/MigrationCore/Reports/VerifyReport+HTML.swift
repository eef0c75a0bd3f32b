internal import Foundation

extension VerifyReport {
    /// Differences listed per entity on `verify.html` (every one is in `verify.json` and `verify.md`).
    public static let listedPerEntity = 50

    /// `verify.html` (issue 28): the same data as `verify.md` for whoever signs the cut-over off — per
    /// entity expected, found and differences; every source file's entries read, migrated, reported,
    /// pending and unaccounted for, as a table and a stacked bar each; the first differences of each
    /// entity.
    public func html(pipeline: String) -> String {
        let e = HTMLPage.escape
        let clean = differenceCount == 0 && account.unaccounted == 0
        var body = "<header><h1>Verification: \(e(pipeline))</h1>\n<p class=\"lead\">What the target holds, read "
        body += "back and compared with the source: <b class=\"verdict-\(clean ? "done" : "incomplete")\">"
        body += clean ? "no differences" : "differences found"
        body += "</b> (exit \(clean ? 0 : 1)).</p>\n</header>\n"
        body += "<section id=\"summary\" data-differences=\"\(differenceCount)\" "
        body +=
            "data-unaccounted=\"\(account.unaccounted)\" data-files=\"\(account.files.count)\">\n<div class=\"cards\">"
        for (value, label) in [
            (entities.values.reduce(0) { $0 + $1.expected }, "expected"),
            (entities.values.reduce(0) { $0 + $1.found }, "found"), (differenceCount, "differences"),
            (account.unaccounted, "entries unaccounted for"),
        ] {
            body += "<div class=\"card\"><b>\(HTMLPage.grouped(value))</b>\(label)</div>"
        }
        body += "</div>\n</section>\n"
        body += entitiesHTML
        body += accountHTML
        body += differencesHTML
        return HTMLPage.document(title: "Verification: \(pipeline)", kind: "verify", body: body)
    }

    /// Expected, found and differences per entity.
    private var entitiesHTML: String {
        var out = "<section id=\"entities\">\n<h2>Entities</h2>\n<table>\n<thead><tr><th>entity</th>"
        out += "<th class=\"n\">expected</th><th class=\"n\">found</th><th class=\"n\">differences</th></tr></thead>\n"
        out += "<tbody>\n"
        for (name, entity) in entities.sorted(by: { $0.key < $1.key }) {
            let n = HTMLPage.escape(name)
            out += "<tr data-entity=\"\(n)\" data-expected=\"\(entity.expected)\" data-found=\"\(entity.found)\" "
            out += "data-differences=\"\(entity.differences.count)\"><td>\(n)</td>"
            for value in [entity.expected, entity.found, entity.differences.count] {
                out += "<td class=\"n\">\(HTMLPage.grouped(value))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// Every source file's account: a table, and a bar per file split by outcome.
    private var accountHTML: String {
        var out = "<section id=\"account\" data-unaccounted=\"\(account.unaccounted)\">\n"
        out += "<h2>Every element accounted for</h2>\n<p>"
        out +=
            account.unaccounted == 0
            ? "Every entry of every source file was migrated or reported by file and line."
            : "<b class=\"verdict-incomplete\">\(HTMLPage.grouped(account.unaccounted)) entries are unaccounted "
                + "for</b>: read, but neither migrated nor reported."
        out += "</p>\n"
        guard !account.files.isEmpty else { return out + "</section>\n" }
        out += "<table>\n<thead><tr><th>file</th>"
        for title in ["read", "migrated", "reported", "pending", "unaccounted"] {
            out += "<th class=\"n\">\(title)</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for f in account.files {
            out +=
                "<tr data-file=\"\(HTMLPage.escape(f.file))\" data-read=\"\(f.read)\" data-migrated=\"\(f.migrated)\" "
            out +=
                "data-reported=\"\(f.reported)\" data-pending=\"\(f.pending)\" data-unaccounted=\"\(f.unaccounted)\">"
            out += "<td><code>\(HTMLPage.escape(f.file))</code></td>"
            for value in [f.read, f.migrated, f.reported, f.pending, f.unaccounted] {
                out += "<td class=\"n\">\(HTMLPage.grouped(value))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        let rows = account.files.map { f in
            HTMLPage.StackedRow(
                label: f.file,
                segments: [
                    HTMLPage.Segment(name: "migrated", count: f.migrated, label: "migrated"),
                    HTMLPage.Segment(name: "reported", count: f.reported, label: "reported"),
                    HTMLPage.Segment(name: "pending", count: f.pending, label: "pending"),
                    HTMLPage.Segment(name: "unaccounted", count: abs(f.unaccounted), label: "unaccounted for"),
                ])
        }
        out += HTMLPage.stackedBars(id: "account-chart", title: "Each source file's entries by outcome", rows: rows)
        out += HTMLPage.legend([
            ("saved", "migrated"), ("toonew", "reported (problems.jsonl, failed.jsonl)"), ("pending", "pending"),
            ("error", "unaccounted for"),
        ])
        return out + "</section>\n"
    }

    /// The first ``listedPerEntity`` differences of each entity, and how many more there are.
    private var differencesHTML: String {
        var out = "<section id=\"differences\" data-differences=\"\(differenceCount)\">\n<h2>Differences</h2>\n"
        guard differenceCount > 0 else { return out + "<p>None.</p>\n</section>\n" }
        for (name, entity) in entities.sorted(by: { $0.key < $1.key }) where !entity.differences.isEmpty {
            let shown = entity.differences.prefix(Self.listedPerEntity)
            out += "<div class=\"kind\" data-entity=\"\(HTMLPage.escape(name))\" "
            out += "data-count=\"\(entity.differences.count)\" data-listed=\"\(shown.count)\">\n"
            out += "<h3>\(HTMLPage.escape(name)) (\(HTMLPage.grouped(entity.differences.count)))</h3>\n<ul>\n"
            out += shown.map { "<li class=\"difference\">\(HTMLPage.escape($0))</li>\n" }.joined()
            if entity.differences.count > shown.count {
                out += "<li class=\"more\" data-more=\"\(entity.differences.count - shown.count)\">… and "
                out += "\(HTMLPage.grouped(entity.differences.count - shown.count)) more: every one is in "
                out += "<code>verify.md</code> and <code>verify.json</code></li>\n"
            }
            out += "</ul>\n</div>\n"
        }
        return out + "</section>\n"
    }
}
