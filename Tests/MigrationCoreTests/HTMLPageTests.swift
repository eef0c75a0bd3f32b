import Foundation
import Testing

@testable import MigrationCore

/// Issue 28: `plan.html` and `pull.html` show the numbers of their JSON, escape every text from the
/// export, and reach for nothing on the network.
@Suite struct HTMLPageTests {
    /// One start tag of a page: its name and attributes (entities left as written).
    struct Tag {
        var name: String
        var attributes: [String: String]
    }

    /// Every start tag of `html`. The pages escape every `<` of their data, so a tag is a tag.
    static func tags(_ html: String) -> [Tag] {
        let tag = /<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/
        let attribute = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/
        return html.matches(of: tag).map { match in
            var attributes: [String: String] = [:]
            for a in String(match.output.2).matches(of: attribute) {
                attributes[String(a.output.1)] = a.output.2.map(String.init) ?? ""
            }
            return Tag(name: String(match.output.1), attributes: attributes)
        }
    }

    /// The tags that carry `attribute`.
    static func tags(_ html: String, with attribute: String) -> [[String: String]] {
        tags(html).map(\.attributes).filter { $0[attribute] != nil }
    }

    /// The report's JSON as `JSONFile` writes it, read back with the tool's own exact parser.
    static func json(_ value: some Encodable) throws -> JSONValue {
        let path = try temporaryDirectory() + "/report.json"
        try JSONFile.write(value, to: path)
        return try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A JSON number as a `Double`.
    static func double(_ value: JSONValue?) -> Double? {
        switch value {
        case .double(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }

    /// An attribute's integer, widened as the JSON's.
    static func int(_ text: String?) -> Int64? { text.flatMap { Int64($0) } }

    static let hostile = #"<script>alert("x")</script> & 'q' <img src=http://evil.example/a.png>"#

    static func plan() -> PlanReport {
        var relations = StagePlan(items: 3, calls: ["friend/add.action": 10, "friend/update.action": 8])
        relations.floorCalls = ["POST /im/v2.1/friends": 10, "friend/update.action": 1]
        let users = StagePlan(items: 1868, calls: ["user/create.action": 1868])
        var report = PlanReport(
            pipeline: "p<b>", rate: 100, pace: 95.238, plans: [(.users, users), (.relations, relations)],
            problems: [
                Problem(stage: .users, file: "users.jsonl", line: 9, code: "invalid-accid", message: hostile),
                Problem(
                    stage: .users, file: "a\"b.jsonl", line: 12, code: "seconds-timestamp", message: "x",
                    severity: .warning),
            ],
            hosts: [
                HostLine(host: "cdn.example", references: 7, allowed: true),
                HostLine(host: "<script>evil", references: 2, allowed: false, why: "loopback & <b>"),
            ])
        var hours = PullReport.Hours(from: "2017060522", to: "2017060603", saved: 2, empty: 1)
        hours.tooNew = ["2017060603"]
        hours.expired = 1
        hours.calendar = "sxe-sn"
        hours.gaps = [PullReport.Gap(from: "2017060523", to: "2017060523", hours: 1)]
        report.pull = PullReport(
            pipeline: "p", host: "http://127.0.0.1:1", app: "o/a", lists: [], hours: hours, files: .init(),
            calls: [:], seconds: 1, estimate: nil, halted: nil, exitCode: 1)
        return report
    }

    @Test func thePlanPageShowsTheNumbersOfPlanJSON() throws {
        let report = Self.plan()
        let html = report.html(checklist: ["Keep `state/p.sqlite` & the <ids>"])
        let json = try Self.json(report)
        let summary = try #require(Self.tags(html, with: "data-total-calls").first)
        #expect(Self.int(summary["data-total-calls"]) == json["totalCalls"]?.int)
        #expect(summary["data-estimated-seconds"].flatMap { Double($0) } == Self.double(json["estimatedSeconds"]))
        #expect(summary["data-rate"] == "100" && summary["data-verdict"] == json["verdict"]?.string)
        let rows = Self.tags(html, with: "data-items")
        let stages = json["stages"]?.array ?? []
        #expect(rows.count == stages.count && rows.count == 2)
        for (row, stage) in zip(rows, stages) {
            #expect(row["data-stage"] == stage["stage"]?.string)
            #expect(Self.int(row["data-items"]) == stage["items"]?.int)
            #expect(Self.int(row["data-calls"]) == stage["totalCalls"]?.int)
            let floor = stage["floorCalls"]?.objectValue?.values.compactMap(\.int).reduce(0, +)
            #expect(Self.int(row["data-floor-calls"]) == floor)
            #expect(row["data-seconds"].flatMap { Double($0) } == Self.double(stage["estimatedSeconds"]))
        }
        #expect(html.contains(#"data-calls="1868""#))
        // The chart: a bar per stage on one axis, as long as the stage's time.
        let bars = Self.tags(html).filter { $0.name == "rect" && $0.attributes["class"] == "bar" }
        #expect(bars.map { $0.attributes["data-stage"] } == ["users", "relations"])
        // The problems by kind, and the hosts.
        let kinds = Self.tags(html, with: "data-count")
        #expect(
            Dictionary(uniqueKeysWithValues: kinds.map { ($0["data-code"] ?? "", Self.int($0["data-count"])) })
                == json["problemCounts"]?["byCode"]?.objectValue?.mapValues(\.int))
        #expect(Self.tags(html, with: "data-line").map { $0["data-line"] } == ["9", "12"])
        let hosts = Self.tags(html, with: "data-references")
        #expect(hosts.map { $0["data-references"] } == ["7", "2"])
        #expect(hosts.map { $0["data-allowed"] } == ["true", "false"])
        // The pull's coverage: a cell per hour, as many of each state as the JSON counts.
        #expect(html.components(separatedBy: #"class="h saved""#).count - 1 == 2)
        #expect(html.components(separatedBy: #"class="h expired""#).count - 1 == 1)
        #expect(html.components(separatedBy: #"class="h too-new""#).count - 1 == 1)
        #expect(html.contains("<li>Keep <code>state/p.sqlite</code> &amp; the &lt;ids&gt;</li>"))
        for section in ["summary", "stages", "timeline", "endpoints", "hosts", "history", "problems", "checklist"] {
            #expect(html.contains(#"<section id="\#(section)""#), "\(section)")
        }
    }

    @Test func thePullPageShowsTheNumbersOfPullJSON() throws {
        var hours = PullReport.Hours(from: "2017060522", to: "2017060701", saved: 20, empty: 3)
        hours.calendar =
            String(repeating: "x", count: 5) + String(repeating: "s", count: 20)
            + String(repeating: "e", count: 3)
        hours.expired = 5
        hours.gaps = [PullReport.Gap(from: "2017060522", to: "2017060602", hours: 5)]
        let report = PullReport(
            pipeline: "pulled", host: "http://127.0.0.1:9", app: "org/<app>",
            lists: [PullReport.ListLine(list: "users", pages: 3, saved: nil, entries: 250, gone: [Self.hostile])],
            hours: hours,
            files: PullReport.Files(
                saved: 4, expired: 1,
                unsaved: [
                    PullReport.Unsaved(
                        code: "attachment-expired", url: Self.hostile, file: "chatmessages/2017060517.gz", line: 2)
                ]),
            calls: ["history": PullReport.Calls(calls: 28, throttled: 1)], seconds: 3.25, estimate: nil,
            halted: nil, exitCode: 1)
        let html = report.html()
        let json = try Self.json(report)
        let history = try #require(Self.tags(html, with: "data-too-new").first)
        #expect(Self.int(history["data-saved"]) == json["hours"]?["saved"]?.int)
        #expect(Self.int(history["data-expired"]) == json["hours"]?["expired"]?.int)
        #expect(Self.int(history["data-empty"]) == json["hours"]?["empty"]?.int)
        #expect(history["data-too-new"] == "\(json["hours"]?["tooNew"]?.array.count ?? -1)")
        // The calendar: days as rows (the 5th, 6th and 7th of June), 24 cells each, one per hour.
        let days = Self.tags(html, with: "data-day")
        #expect(days.map { $0["data-day"] } == ["20170605", "20170606", "20170607"])
        let cells = Self.tags(html).filter { $0.attributes["class"]?.hasPrefix("h ") == true }
        #expect(cells.count == 3 * 24)
        let hoursShown = cells.compactMap { $0.attributes["data-hour"] }
        #expect(hoursShown.first == "2017060522" && hoursShown.last == "2017060701" && hoursShown.count == 28)
        for (state, count) in [("saved", 20), ("empty", 3), ("expired", 5), ("too-new", 0)] {
            #expect(cells.count { $0.attributes["class"] == "h \(state)" } == count, "\(state)")
        }
        #expect(Self.tags(html, with: "data-hours").map { $0["data-hours"] } == ["5"])
        let unsaved = try #require(Self.tags(html, with: "data-line").first)
        #expect(unsaved["data-file"] == "chatmessages/2017060517.gz" && unsaved["data-line"] == "2")
        let calls = try #require(Self.tags(html, with: "data-family").first)
        #expect(calls["data-calls"] == "28" && calls["data-throttled"] == "1")
        #expect(Self.tags(html, with: "data-list").first?["data-entries"] == "250")
        for section in ["history", "lists", "files", "calls"] {
            #expect(html.contains(#"<section id="\#(section)""#), "\(section)")
        }
    }

    @Test func theReportPageShowsTheNumbersOfReportJSON() async throws {
        let db = try temporaryDatabase()
        let stage = CountingStage(id: .users, keys: ["a", "b", "c"], effects: .init(), failKeys: ["c"])
        try await db.record(problems: [
            Problem(stage: .users, file: "users.jsonl", line: 9, code: "invalid-accid", message: Self.hostile)
        ])
        let summary = try await PipelineRunner(database: db, stages: [stage]).run()
        var report = try await RunReport.build(
            database: db, pipeline: "t", stages: [.users], status: summary.status, runID: summary.runID,
            planned: [.users: StagePlan(items: 3, calls: ["test/effect": 3])], rate: 10)
        report.pauses = [TargetPause(startedAt: 0, cause: "<transport>", seconds: 63, outcome: "resumed")]
        let html = report.html()
        let json = try Self.json(report)
        let row = try #require(Self.tags(html, with: "data-done").first { $0["data-stage"] == "users" })
        let stage0 = try #require(json["stages"]?.array.first)
        #expect(Self.int(row["data-done"]) == stage0["items"]?["done"]?.int && row["data-done"] == "2")
        #expect(Self.int(row["data-failed"]) == stage0["items"]?["failed"]?.int)
        #expect(Self.int(row["data-calls"]) == stage0["totalCalls"]?.int)
        #expect(row["data-seconds"].flatMap { Double($0) } == Self.double(stage0["wallTimeSeconds"]))
        let top = try #require(Self.tags(html, with: "data-status").first)
        #expect(Self.int(top["data-failed"]) == json["failedItems"]?.int)
        #expect(top["data-status"] == json["status"]?.string && top["data-pauses"] == "1")
        let planned = try #require(Self.tags(html, with: "data-planned").first)
        let made = stage0["runCalls"]?["test/effect"]
        #expect(planned["data-planned"] == "3")
        #expect(Self.int(planned["data-made"]) == (made?["calls"]?.int ?? -1) - (made?["retries"]?.int ?? 0))
        #expect(html.contains("&lt;transport&gt;") && !html.contains("<transport>") && !html.contains("<script"))
        for section in ["summary", "stages", "timeline", "planned", "pauses", "problems"] {
            #expect(html.contains(#"<section id="\#(section)""#), "\(section)")
        }
    }

    /// An export's text can hold markup: it is shown, never obeyed.
    @Test func textFromTheExportIsEscaped() {
        let plan = Self.plan().html(checklist: [Self.hostile])
        let pull = PullReport(
            pipeline: "<script>", host: Self.hostile, app: Self.hostile,
            lists: [PullReport.ListLine(list: Self.hostile, pages: nil, saved: 1, entries: 1, gone: [Self.hostile])],
            hours: .init(), files: .init(), calls: [Self.hostile: .init(calls: 1, throttled: 0)], seconds: 0,
            estimate: nil, halted: Self.hostile, exitCode: 3
        ).html()
        for html in [plan, pull] {
            #expect(!html.contains("<script"))
            #expect(!html.contains("<img"))
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"))
        }
        #expect(plan.contains(#"data-host="&lt;script&gt;evil""#) && plan.contains("loopback &amp; &lt;b&gt;"))
        #expect(plan.contains("<h1>Migration plan: p&lt;b&gt;</h1>"))
        #expect(HTMLPage.escape("a\u{0}b\u{7}") == "a\u{FFFD}b\u{FFFD}")
    }

    /// Nothing on the page is fetched: no script, no link, no `src` or `href`, no `url(` or `@import`.
    @Test func thePagesReachForNothing() {
        let pages = [
            Self.plan().html(checklist: ["x"]),
            Self.verify().html(pipeline: "v"),
            PullReport(
                pipeline: "p", host: "https://a1.easemob.com", app: "o/a", lists: [], hours: .init(), files: .init(),
                calls: [:], seconds: 0, estimate: nil, halted: nil, exitCode: 0
            ).html(),
        ]
        for html in pages {
            for tag in Self.tags(html) {
                #expect(!["script", "link", "img", "iframe", "object", "embed", "base"].contains(tag.name), "\(tag)")
                #expect(tag.attributes.keys.allSatisfy { !["src", "href", "srcset", "xlink:href"].contains($0) })
            }
            let style = html.firstRange(of: "<style>").flatMap { start in
                html.firstRange(of: "</style>").map { String(html[start.upperBound..<$0.lowerBound]) }
            }
            #expect(style.map { !$0.contains("url(") && !$0.contains("@import") } == true)
            #expect(!html.contains("url(") && !html.contains("@import"))
            #expect(html.contains("prefers-color-scheme: dark") && html.contains("@media print"))
        }
    }
}
