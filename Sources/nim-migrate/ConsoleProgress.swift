import Foundation
import MigrationCore

/// Progress on standard error: on a terminal, one bar per stage with counts, rate and ETA,
/// redrawn in place; elsewhere (CI, logs), a plain line per stage every `interval`.
actor ConsoleProgress: ProgressSink {
    private struct Track {
        var total: Int
        var finished: Int
        var failed: Int
        var started: ContinuousClock.Instant
        var startFinished: Int
        /// Set when the stage ended, so its rate stays the rate it ran at.
        var ended: ContinuousClock.Instant?
    }

    private let terminal: Bool
    private let interval: Duration
    private var tracks: [(StageID, Track)] = []
    private var lastDraw = ContinuousClock.now
    private var drawnLines = 0

    /// `terminal` nil: decided by whether standard error is a TTY.
    init(terminal: Bool? = nil, interval: Duration = .seconds(10)) {
        self.terminal = terminal ?? (isatty(STDERR_FILENO) == 1)
        self.interval = interval
    }

    func stageStarted(_ stage: StageID, counts: StageCounts) {
        let finished = counts.done + counts.failed + counts.skipped
        tracks.append(
            (
                stage,
                Track(
                    total: counts.total, finished: finished, failed: counts.failed, started: .now,
                    startFinished: finished)
            ))
        if !terminal { emit("\(stage): started, \(counts.total) items, \(counts.remaining) left") }
        draw(force: true)
    }

    func itemsFinished(_ stage: StageID, done: Int, failed: Int, skipped: Int) {
        guard let index = tracks.lastIndex(where: { $0.0 == stage }) else { return }
        tracks[index].1.finished += done + failed + skipped
        tracks[index].1.failed += failed
        draw(force: false)
    }

    func stageEnded(_ stage: StageID, counts: StageCounts) {
        if let index = tracks.lastIndex(where: { $0.0 == stage }) {
            tracks[index].1.total = counts.total
            tracks[index].1.finished = counts.done + counts.failed + counts.skipped
            tracks[index].1.failed = counts.failed
            tracks[index].1.ended = .now
        }
        draw(force: true)
        if !terminal, let line = tracks.last(where: { $0.0 == stage }).map(render) { emit(line + " (stage ended)") }
    }

    func note(_ message: String) {
        if terminal { clear() }
        emit(message)
        if terminal { draw(force: true) }
    }

    private func draw(force: Bool) {
        let now = ContinuousClock.now
        if terminal {
            guard force || now - lastDraw >= .milliseconds(100) else { return }
            lastDraw = now
            clear()
            let lines = tracks.map(render)
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            drawnLines = lines.count
        } else {
            guard now - lastDraw >= interval else { return }
            lastDraw = now
            for track in tracks where track.1.finished < track.1.total { emit(render(track)) }
        }
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        FileHandle.standardError.write(Data(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawnLines).utf8))
        drawnLines = 0
    }

    private func render(_ entry: (StageID, Track)) -> String {
        let (stage, t) = entry
        let fraction = t.total > 0 ? Double(t.finished) / Double(t.total) : 1
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = (t.ended ?? ContinuousClock.now) - t.started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(t.finished - t.startFinished) / seconds : 0
        let left = t.total - t.finished
        let eta = rate > 0 && left > 0 ? " eta " + RunReport.duration(Double(left) / rate) : ""
        let name = stage.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
        let failed = t.failed > 0 ? " (\(t.failed) failed)" : ""
        return "\(name) [\(bar)] \(t.finished)/\(t.total)\(failed) \(Int(rate.rounded()))/s\(eta)"
    }

    private func emit(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
