/// `nim-migrate status`: per stage, items by status, the recent rate and the time left.
public struct StatusReport: Sendable, Codable, Equatable {
    public var pipeline: String
    public var lastRun: String?
    public var stages: [Line]
    /// The last pauses of runs while the target did not answer (at most 10).
    public var pauses: [TargetPause] = []

    /// One stage.
    public struct Line: Sendable, Codable, Equatable {
        public var stage: StageID
        public var items: StageCounts
        /// Items finished per second over the last minute.
        public var ratePerSecond: Double
        /// Seconds left at that rate; nil when nothing is moving or nothing is left.
        public var etaSeconds: Double?
    }

    /// Reads the status of `stages` from the database; `nowMillis` is the wall clock in ms.
    public static func build(
        database: StateDatabase, pipeline: String, stages: [StageID], nowMillis: Int64
    ) async throws -> StatusReport {
        let counts = try await database.counts()
        var lines: [Line] = []
        for stage in stages {
            let c = counts[stage] ?? StageCounts()
            let recent = try await database.finishedCount(stage: stage, since: nowMillis - 60_000)
            let rate = Double(recent) / 60
            let eta = rate > 0 && c.remaining > 0 ? Double(c.remaining) / rate : nil
            lines.append(Line(stage: stage, items: c, ratePerSecond: rate, etaSeconds: eta))
        }
        let last = try await database.lastRun().map {
            "run \($0.id) (\($0.mode)): \($0.outcome ?? "running or killed")"
        }
        var report = StatusReport(pipeline: pipeline, lastRun: last, stages: lines)
        report.pauses = Array(try await database.pauses().suffix(10))
        return report
    }

    /// A table for a terminal.
    public func text() -> String {
        var out = "pipeline \(pipeline)" + (lastRun.map { ", last \($0)" } ?? ", never run") + "\n"
        out += "stage        done    failed   skipped   pending   rate/s   eta\n"
        for l in stages {
            let eta = l.etaSeconds.map { RunReport.duration($0) } ?? "-"
            out += l.stage.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            for n in [l.items.done, l.items.failed, l.items.skipped, l.items.remaining] {
                let s = String(n)
                out += String(repeating: " ", count: max(1, 10 - s.count)) + s
            }
            let rate = String(format: "%.1f", l.ratePerSecond)
            out += String(repeating: " ", count: max(1, 9 - rate.count)) + rate + "   " + eta + "\n"
        }
        if !pauses.isEmpty { out += "target pauses (the last \(pauses.count)):\n" }
        for pause in pauses { out += "  " + pause.text + "\n" }
        return out
    }
}
