import Foundation
import Testing

@testable import MigrationCore

/// Issue 28: `verify.html` shows the numbers of `verify.json` — per entity and per source file —
/// lists the first differences of each entity with a count of the rest, and escapes the export's text.
extension HTMLPageTests {
    static func verify() -> VerifyReport {
        var report = VerifyReport()
        report.count("users", expected: 1868, found: 1866)
        report.add("users", "account \(hostile) is missing")
        report.add("users", "account u2 is missing")
        report.count("friends", expected: 40, found: 40)
        report.count("teams", expected: 3, found: 3)
        for index in 0..<(VerifyReport.listedPerEntity + 7) {
            report.add("teams", "team t1: member m\(index) is missing")
        }
        report.account.files = [
            .init(file: "users.jsonl", read: 1870, migrated: 1866, reported: 2, pending: 0, unaccounted: 2),
            .init(file: "chatgroups/<g1>/members.json", read: 12, migrated: 9, reported: 1, pending: 2, unaccounted: 0),
            .init(file: "chatmessages/2017060517.gz", read: 5, migrated: 6, reported: 0, pending: 0, unaccounted: -1),
        ]
        return report
    }

    @Test func theVerifyPageShowsTheNumbersOfVerifyJSON() throws {
        let report = Self.verify()
        let html = report.html(pipeline: "v<b>")
        let json = try Self.json(report)
        let summary = try #require(Self.tags(html).first { $0.attributes["id"] == "summary" }?.attributes)
        #expect(Self.int(summary["data-differences"]) == Int64(report.differenceCount))
        #expect(summary["data-differences"] == "\(VerifyReport.listedPerEntity + 9)")
        #expect(Self.int(summary["data-unaccounted"]) == 3 && summary["data-files"] == "3")
        // Per entity: expected, found and the count of differences, as the JSON has them.
        let rows = Self.tags(html, with: "data-expected")
        let entities = try #require(json["entities"]?.objectValue)
        #expect(rows.map { $0["data-entity"] } == ["friends", "teams", "users"])
        for row in rows {
            let entity = try #require(entities[row["data-entity"] ?? ""])
            #expect(Self.int(row["data-expected"]) == entity["expected"]?.int)
            #expect(Self.int(row["data-found"]) == entity["found"]?.int)
            #expect(Self.int(row["data-differences"]) == Int64(entity["differences"]?.array.count ?? -1))
        }
        // Per source file: read, migrated, reported, pending, unaccounted, in the JSON's order.
        let files = Self.tags(html, with: "data-read")
        let accounted = json["account"]?["files"]?.array ?? []
        #expect(files.count == 3 && accounted.count == 3)
        for (row, file) in zip(files, accounted) {
            #expect(row["data-file"].map(Self.unescape) == file["file"]?.string)
            for key in ["read", "migrated", "reported", "pending", "unaccounted"] {
                #expect(Self.int(row["data-\(key)"]) == file[key]?.int, "\(key)")
            }
        }
        // A stacked bar per file, its parts the file's counts (the surplus shown as unaccounted).
        let segments = Self.tags(html).filter { $0.name == "rect" && $0.attributes["data-part"] != nil }
        let parts = Dictionary(grouping: segments.map(\.attributes)) { $0["data-row"].map(Self.unescape) ?? "" }
        #expect(parts.count == 3)
        #expect(parts["users.jsonl"]?.map { $0["data-part"] ?? "" } == ["migrated", "reported", "unaccounted"])
        #expect(parts["users.jsonl"]?.map { $0["data-count"] ?? "" } == ["1866", "2", "2"])
        #expect(parts["chatgroups/<g1>/members.json"]?.map { $0["data-count"] ?? "" } == ["9", "1", "2"])
        #expect(parts["chatmessages/2017060517.gz"]?.map { $0["data-part"] ?? "" } == ["migrated", "unaccounted"])
        // The differences: the first listedPerEntity of each entity, and how many more.
        let kinds = Self.tags(html, with: "data-listed")
        #expect(kinds.map { $0["data-entity"] } == ["teams", "users"])
        #expect(kinds.map { $0["data-count"] } == ["\(VerifyReport.listedPerEntity + 7)", "2"])
        #expect(kinds.map { $0["data-listed"] } == ["\(VerifyReport.listedPerEntity)", "2"])
        #expect(html.components(separatedBy: "<li class=\"difference\">").count - 1 == VerifyReport.listedPerEntity + 2)
        #expect(Self.tags(html, with: "data-more").map { $0["data-more"] } == ["7"])
        // The export's text stays text.
        #expect(!html.contains("<script") && !html.contains("<img"))
        #expect(html.contains("account &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("<h1>Verification: v&lt;b&gt;</h1>"))
        for section in ["summary", "entities", "account", "differences"] {
            #expect(html.contains(#"<section id="\#(section)""#), "\(section)")
        }
        #expect(html.contains(#"id="account-chart""#) && html.contains(#"<body data-page="verify">"#))
    }

    @Test func aCleanVerificationSaysSo() {
        var report = VerifyReport()
        report.count("users", expected: 2, found: 2)
        report.account.files = [
            .init(file: "users.jsonl", read: 2, migrated: 2, reported: 0, pending: 0, unaccounted: 0)
        ]
        let html = report.html(pipeline: "v")
        #expect(html.contains(#"<b class="verdict-done">no differences</b> (exit 0)"#))
        #expect(html.contains("Every entry of every source file was migrated or reported"))
        #expect(html.contains(#"<section id="differences" data-differences="0">"#))
    }

    /// An attribute's text as written on the page, entities decoded.
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
