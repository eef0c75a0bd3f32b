import Foundation
import Testing

@testable import MigrationCore

@Suite struct StateDatabaseTests {
    @Test func registeringTwiceKeepsOneRowAndItsProgress() async throws {
        let db = try temporaryDatabase()
        let items = (1...3).map { NewWorkItem(key: "k\($0)", kind: "user") }
        #expect(try await db.register(items, stage: .users) == 3)
        let claimed = try await db.claim(stage: .users, limit: 2)
        #expect(claimed.map(\.key) == ["k1", "k2"])
        #expect(claimed.allSatisfy { $0.status == .inFlight && $0.attempts == 1 })
        try await db.complete([(claimed[0].id, .done(result: "x"))])
        #expect(try await db.register(items, stage: .users) == 0)
        let counts = try #require(try await db.counts()[.users])
        #expect(counts.done == 1 && counts.inFlight == 1 && counts.pending == 1)
        #expect(try await db.item(stage: .users, key: "k1")?.result == "x")
    }

    @Test func inFlightItemsSurviveReopeningAndCanBeReleased() async throws {
        let dir = try temporaryDirectory()
        do {
            let db = try StateDatabase(path: dir + "/s.sqlite")
            try await db.register([NewWorkItem(key: "a", kind: "t"), NewWorkItem(key: "b", kind: "t")], stage: .groups)
            _ = try await db.claim(stage: .groups, limit: 10)
        }
        let reopened = try StateDatabase(path: dir + "/s.sqlite")
        let orphans = try await reopened.inFlightItems(stage: .groups)
        #expect(orphans.map(\.key) == ["a", "b"])
        try await reopened.release([orphans[1].id])
        let counts = try #require(try await reopened.counts()[.groups])
        #expect(counts.inFlight == 1 && counts.pending == 1)
        #expect(try await reopened.item(stage: .groups, key: "b")?.attempts == 0)
    }

    @Test func failedItemsKeepCodeAndDescUntilRetried() async throws {
        let db = try temporaryDatabase()
        try await db.register(
            [NewWorkItem(key: "u1", kind: "user", sourceFile: "users.jsonl", sourceLine: 7)], stage: .users)
        let item = try #require(try await db.claim(stage: .users, limit: 1).first)
        try await db.complete([(item.id, .failed(CallFailure(code: 414, desc: "parameter error", endpoint: "test")))])
        let failed = try await db.failedItems(stage: .users)
        #expect(failed.count == 1)
        #expect(
            failed.first?.code == 414 && failed.first?.desc == "parameter error" && failed.first?.retryable == false)
        #expect(failed.first?.item.sourceLine == 7)
        #expect(try await db.resetFailed(stage: .users) == 1)
        #expect(try await db.counts()[.users]?.pending == 1)
    }

    /// A dry run's finding is the plan's only: the run's reports leave it out unless the run finds
    /// it too, and the run's own finding replaces it (SPEC §6).
    @Test func aDryRunsProblemsDoNotSurviveIntoTheRunsReports() async throws {
        let db = try temporaryDatabase()
        func problem(_ line: Int, _ code: String, _ message: String) -> Problem {
            Problem(
                stage: .history, file: "messages/a.jsonl", line: line, code: code, message: message, severity: .warning)
        }
        try db.historyChunk(plan: true) { tx in
            try tx.record(problem(1, "old-url-kept", "planned: not re-hosted"))
            try tx.record(problem(2, "old-url-kept", "planned: not re-hosted"))
        }
        try db.historyChunk(plan: false) { tx in try tx.record(problem(2, "old-url-kept", "the run kept it")) }
        try db.historyChunk(plan: true) { tx in try tx.record(problem(2, "old-url-kept", "a later plan")) }
        #expect(try await db.problems(plan: true).map(\.line) == [1, 2])
        #expect(try await db.problems(plan: false).map(\.message) == ["the run kept it"])
        let counts = try await db.problemCounts(stages: [.history], plan: false)
        #expect(counts.warnings == 1 && counts.byCode == ["old-url-kept": 1])
        #expect(try await db.problemCounts(stages: [.history], plan: true).warnings == 2)
        let path = try temporaryDirectory() + "/problems.jsonl"
        #expect(try await ProblemsFile.write(database: db, stages: [.history], plan: false, to: path) == 1)
        let line = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            line.contains(#""desc":"the run kept it""#) && line.contains(#""line":2"#)
                && line.contains(#""severity":"warning""#))
        try await db.clearPlanHistoryKeys()
        #expect(try await db.problems(plan: true).map(\.line) == [2], "each plan starts afresh; the run's stays")
    }

    /// The first problems of each kind are listed, all are counted.
    @Test func problemsAreListedPerKindAndCountedInSQL() async throws {
        let db = try temporaryDatabase()
        // Earlier problems of the same kind in a stage not asked for take none of the places.
        try await db.record(problems: [
            Problem(stage: .groups, file: "g.jsonl", line: 1, code: "even", message: "m"),
            Problem(stage: .groups, file: "g.jsonl", line: 2, code: "even", message: "m"),
        ])
        try await db.record(
            problems: (1...7).map {
                Problem(stage: .users, file: "u.jsonl", line: $0, code: $0 % 2 == 0 ? "even" : "odd", message: "m")
            })
        let listed = try await db.listedProblems(stages: [.users], plan: false, perKind: 2)
        #expect(listed.map { "\($0.code)\($0.line)" } == ["even2", "even4", "odd1", "odd3"])
        #expect(try await db.problemCounts(stages: [.users], plan: false).byCode == ["even": 3, "odd": 4])
        #expect(try await db.problemCounts(stages: [.groups], plan: false).byCode == ["even": 2])
        #expect(try await db.problemCounts(stages: [.relations], plan: false).errors == 0)
    }

    @Test func problemsAreKeptOnceAndIDMapsStream() async throws {
        let db = try temporaryDatabase()
        let problem = Problem(stage: .users, file: "users.jsonl", line: 3, code: "invalid-accid", message: "too long")
        try await db.record(problems: [problem, problem])
        try await db.record(problems: [problem])
        #expect(try await db.problems() == [problem])
        try await db.map([
            IDMapping(kind: .team, old: "g2", new: "10002"), IDMapping(kind: .team, old: "g1", new: "10001"),
        ])
        try await db.map([IDMapping(kind: .team, old: "g1", new: "10009")])
        let seen = Collected()
        try await db.forEachMapping(.team) { seen.append("\($0.old)=\($0.new)") }
        #expect(seen.values == ["g1=10009", "g2=10002"])
        #expect(try await db.newID(.team, old: "g2") == "10002")
        #expect(try await db.newID(.user, old: "g2") == nil)
    }

    @Test func callStatsAddUpPerRunAndOverall() async throws {
        let db = try temporaryDatabase()
        let run1 = try await db.beginRun(mode: "run", options: "{}")
        try await db.addCalls(
            run: run1, stage: .users, ["user/create.action": CallStats(calls: 3, retries: 1, throttled: 1)])
        try await db.addCalls(run: run1, stage: .users, ["user/create.action": CallStats(calls: 2)])
        let run2 = try await db.beginRun(mode: "run", options: "{}")
        try await db.addCalls(run: run2, stage: .users, ["user/create.action": CallStats(calls: 1, failures: 1)])
        #expect(
            try await db.callStats(run: run1)[.users]?["user/create.action"]
                == CallStats(calls: 5, retries: 1, throttled: 1))
        #expect(
            try await db.callStats()[.users]?["user/create.action"]
                == CallStats(calls: 6, retries: 1, throttled: 1, failures: 1))
    }
}

/// A thread-safe list for closures that must be `@Sendable`.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.withLock { items.append(s) } }
    var values: [String] { lock.withLock { items } }
}
