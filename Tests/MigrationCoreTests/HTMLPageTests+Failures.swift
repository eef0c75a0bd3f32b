import Foundation
import Testing

@testable import MigrationCore

/// Issue 28: `report.html` shows the failed items grouped by reason — the count of each, as
/// `report.json` and `failed.jsonl` have them, and its first items by file:line and key.
extension HTMLPageTests {
    /// A state where users fail for two reasons (one more often than is listed) and relations for one.
    static func failingState() async throws -> StateDatabase {
        let db = try temporaryDatabase()
        let users = (1...10).map { index in
            NewWorkItem(
                key: "u\(index)", kind: "user", sourceFile: index == 9 ? nil : "users.jsonl",
                sourceLine: index == 9 ? nil : index + 1)
        }
        try await db.register(users, stage: .users)
        try await db.register(
            [NewWorkItem(key: "a|<b>", kind: "friend", sourceFile: "friends.jsonl")], stage: .relations)
        var outcomes: [(id: Int64, outcome: ItemOutcome)] = []
        for item in try await db.claim(stage: .users, limit: 100) {
            let index = Int(item.key.dropFirst()) ?? 0
            switch index {
            case 10: outcomes.append((item.id, .done()))
            case 8, 9:
                outcomes.append((item.id, .failed(CallFailure(code: 0, desc: hostile, endpoint: "", kind: .local))))
            default:
                outcomes.append((item.id, .failed(CallFailure(code: 414, desc: "already register", endpoint: "x"))))
            }
        }
        for item in try await db.claim(stage: .relations, limit: 100) {
            outcomes.append((item.id, .failed(CallFailure(code: 404, desc: "user not exist", endpoint: "y"))))
        }
        try await db.complete(outcomes)
        return db
    }

    @Test func theReportPageShowsTheFailedItemsByReasonOfReportJSON() async throws {
        let db = try await Self.failingState()
        let report = try await RunReport.build(
            database: db, pipeline: "t", stages: [.users, .relations], status: .incomplete, runID: nil)
        let html = report.html()
        let json = try Self.json(report)
        #expect(report.failedItems == 10)
        let section = try #require(Self.tags(html).first { $0.attributes["id"] == "failures" }?.attributes)
        #expect(Self.int(section["data-failed"]) == json["failedItems"]?.int && section["data-reasons"] == "3")
        // Each reason's count as report.json has it, the most frequent first within a stage.
        let reasons = Self.tags(html, with: "data-desc")
        let listed = json["failureReasons"]?.array ?? []
        #expect(reasons.count == listed.count && reasons.count == 3)
        for (tag, reason) in zip(reasons, listed) {
            #expect(tag["data-stage"] == reason["stage"]?.string && tag["data-code"] == reason["code"]?.string)
            #expect(tag["data-desc"].map(Self.unescape) == reason["desc"]?.string)
            #expect(Self.int(tag["data-count"]) == reason["count"]?.int)
            #expect(Self.int(tag["data-listed"]) == Int64(reason["items"]?.array.count ?? -1))
        }
        #expect(reasons.map { $0["data-count"] } == ["7", "2", "1"])
        #expect(reasons.map { $0["data-listed"] } == ["\(FailureReason.listedPerReason)", "2", "1"])
        #expect(reasons.reduce(0) { $0 + (Self.int($1["data-count"]) ?? 0) } == json["failedItems"]?.int)
        // The counts are failed.jsonl's, grouped by stage, code and desc.
        let path = try temporaryDirectory() + "/failed.jsonl"
        try await FailedItemsWriter.write(database: db, stages: [.users, .relations], to: path)
        var fromFile: [String: Int] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let value = try JSONValue.parse(Data(line.utf8))
            let reason = "\(value["stage"]?.string ?? "")|\(value["code"]?.string ?? "")|\(value["desc"]?.string ?? "")"
            fromFile[reason, default: 0] += 1
        }
        let fromPage = Dictionary(
            uniqueKeysWithValues: reasons.map {
                (
                    "\($0["data-stage"] ?? "")|\($0["data-code"] ?? "")|\($0["data-desc"].map(Self.unescape) ?? "")",
                    Int(Self.int($0["data-count"]) ?? -1)
                )
            })
        #expect(fromPage == fromFile)
        // The first items by file:line and key; an item from no line by its key.
        let items = Self.tags(html, with: "data-key")
        #expect(items.prefix(5).map { $0["data-line"] } == ["2", "3", "4", "5", "6"])
        #expect(items.prefix(5).allSatisfy { $0["data-file"] == "users.jsonl" })
        #expect(items.map { $0["data-key"] }.suffix(3) == ["u8", "u9", "a|&lt;b&gt;"])
        #expect(items[6]["data-file"] == nil && html.contains("<li data-key=\"u9\"><code>u9</code></li>"))
        #expect(html.contains("<li>… and 2 more</li>"))
        #expect(!html.contains("<script") && !html.contains("data-unlisted"))
        #expect(report.markdown().contains("- users: `414` already register (7): `users.jsonl:2` u1"))
    }
}
