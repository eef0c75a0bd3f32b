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
        body += HTMLPage.summary(
            data: [
                ("differences", "\(differenceCount)"), ("unaccounted", "\(account.unaccounted)"),
                ("files", "\(account.files.count)"),
            ],
            cards: [
                (entities.values.reduce(0) { $0 + $1.expected }, "expected"),
                (entities.values.reduce(0) { $0 + $1.found }, "found"), (differenceCount, "differences"),
                (account.unaccounted, "entries unaccounted for"),
            ].map { HTMLPage.card(HTMLPage.grouped($0), $1) })
        body += entitiesHTML
        body += accountHTML
        body += differencesHTML
        return HTMLPage.document(title: "Verification: \(pipeline)", kind: "verify", body: body)
    }

    /// Expected, found and differences per entity.
    private var entitiesHTML: String {
        let rows = entities.sorted(by: { $0.key < $1.key }).map { name, entity in
            HTMLPage.Row(
                data: [
                    ("entity", name), ("expected", "\(entity.expected)"), ("found", "\(entity.found)"),
                    ("differences", "\(entity.differences.count)"),
                ],
                cells: [
                    .html(HTMLPage.escape(name)), .count(entity.expected), .count(entity.found),
                    .count(entity.differences.count),
                ])
        }
        return HTMLPage.tableSection(
            "entities", "Entities", [.text("entity"), .number("expected"), .number("found"), .number("differences")],
            rows)
    }

    /// Every source file's account: a table, and a bar per file split by outcome.
    private var accountHTML: String {
        let data = [("unaccounted", "\(account.unaccounted)")]
        var out = "<p>"
        out +=
            account.unaccounted == 0
            ? "Every entry of every source file was migrated or reported by file and line."
            : "<b class=\"verdict-incomplete\">\(HTMLPage.grouped(account.unaccounted)) entries are unaccounted "
                + "for</b>: read, but neither migrated nor reported."
        out += "</p>\n"
        let heading = "Every element accounted for"
        guard !account.files.isEmpty else { return HTMLPage.section("account", heading, data: data, out) }
        let columns = ["read", "migrated", "reported", "pending", "unaccounted"]
        out += HTMLPage.table(
            [.text("file")] + columns.map(HTMLPage.Column.number),
            account.files.map { f in
                let counts = [f.read, f.migrated, f.reported, f.pending, f.unaccounted]
                return HTMLPage.Row(
                    data: [("file", f.file)] + zip(columns, counts).map { ($0, "\($1)") },
                    cells: [.html("<code>\(HTMLPage.escape(f.file))</code>")] + counts.map(HTMLPage.Cell.count))
            })
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
        return HTMLPage.section("account", heading, data: data, out)
    }

    /// The first ``listedPerEntity`` differences of each entity, and how many more there are.
    private var differencesHTML: String {
        let data = [("differences", "\(differenceCount)")]
        guard differenceCount > 0 else {
            return HTMLPage.section("differences", "Differences", data: data, "<p>None.</p>\n")
        }
        var out = ""
        for (name, entity) in entities.sorted(by: { $0.key < $1.key }) where !entity.differences.isEmpty {
            let shown = entity.differences.prefix(Self.listedPerEntity)
            var items = shown.map { "<li class=\"difference\">\(HTMLPage.escape($0))</li>\n" }
            if entity.differences.count > shown.count {
                items.append(
                    "<li class=\"more\" data-more=\"\(entity.differences.count - shown.count)\">… and "
                        + "\(HTMLPage.grouped(entity.differences.count - shown.count)) more: every one is in "
                        + "<code>verify.md</code> and <code>verify.json</code></li>\n")
            }
            out += HTMLPage.kind(
                data: [("entity", name), ("count", "\(entity.differences.count)"), ("listed", "\(shown.count)")],
                heading: "\(HTMLPage.escape(name)) (\(HTMLPage.grouped(entity.differences.count)))", items: items)
        }
        return HTMLPage.section("differences", "Differences", data: data, out)
    }
}
