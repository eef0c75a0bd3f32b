internal import Foundation

/// The import files: `p2p-0001.txt`, `team-0001.txt`, … in `state/NAME/history/`, appended chunk by
/// chunk. Their sizes are part of the history checkpoint: a resumed pass first truncates each
/// file to the size the last committed checkpoint recorded, so bytes written by a chunk whose
/// transaction never committed disappear and the output ends byte-identical to an uninterrupted run.
final class HistoryOutput {
    /// Files roll over after this many lines ("as few files as sensible").
    static let linesPerFile = 5_000_000
    /// A lane's buffered lines are written once they pass this size, and at every ``flush()``.
    static let flushBytes = Failpoint.setting("NIM_MIGRATE_HISTORY_FLUSH_BYTES", 1 << 18)

    /// Where the output stands: per kind, the current file number and its lines; per file, bytes.
    struct State: Codable, Equatable {
        var number: [String: Int] = ["p2p": 1, "team": 1]
        var lines: [String: Int] = ["p2p": 0, "team": 0]
        var sizes: [String: UInt64] = [:]
    }

    /// One kind's current file and the lines not yet written to it.
    private struct Lane {
        let kind: String
        var number: Int
        var lines: Int
        var size: UInt64
        var pending: [UInt8] = []

        var fileName: String { HistoryOutput.fileName(kind, number) }
    }

    /// Nil for a dry run: lines are counted, nothing is written.
    let directory: String?
    private var lanes: [Lane]
    /// The sizes of files already rolled over.
    private var finishedSizes: [String: UInt64]

    init(directory: String?, state: State) throws {
        self.directory = directory
        let lanes = ["p2p", "team"].map { kind in
            let number = state.number[kind, default: 1]
            return Lane(
                kind: kind, number: number, lines: state.lines[kind, default: 0],
                size: state.sizes[HistoryOutput.fileName(kind, number), default: 0])
        }
        self.lanes = lanes
        finishedSizes = state.sizes.filter { name, _ in !lanes.contains { $0.fileName == name } }
        guard let directory else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A kill during an atomic write (the manifest's) leaves Foundation's temporary file behind:
        // the folder holds the import files and the manifest, nothing else.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !Self.isOutput(name) {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        // Drop whatever a dead chunk appended after the last checkpoint.
        for (name, size) in state.sizes {
            let path = directory + "/" + name
            if let handle = FileHandle(forWritingAtPath: path) {
                try handle.truncate(atOffset: size)
                try handle.close()
            }
        }
    }

    /// The position to record in the checkpoint (after ``flush()``).
    var state: State {
        var state = State(number: [:], lines: [:], sizes: finishedSizes)
        for lane in lanes {
            state.number[lane.kind] = lane.number
            state.lines[lane.kind] = lane.lines
            if lane.size > 0 { state.sizes[lane.fileName] = lane.size }
        }
        return state
    }

    /// `p2p-NNNN.txt`, `team-NNNN.txt` or `manifest.json`.
    static func isOutput(_ name: String) -> Bool {
        name == "manifest.json"
            || name.range(of: "^(p2p|team)-[0-9]{4,}\\.txt$", options: .regularExpression) != nil
    }

    static func fileName(_ kind: String, _ number: Int) -> String {
        let digits = String(number)
        return "\(kind)-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits).txt"
    }

    /// Writes a line of the team or the p2p file with `line`; `keep` sees its bytes and says
    /// whether it stays (a duplicate does not). Returns whether it was kept.
    @discardableResult
    func append(
        team: Bool, _ line: (inout [UInt8]) -> Void, keep: (UnsafeBufferPointer<UInt8>) throws -> Bool
    ) throws -> Bool {
        let index = team ? 1 : 0
        if lanes[index].lines >= Self.linesPerFile {
            try flush(index)
            finishedSizes[lanes[index].fileName] = lanes[index].size
            lanes[index].number += 1
            lanes[index].lines = 0
            lanes[index].size = 0
        }
        // The lane's buffer is taken out while the callers' closures run (a swap, no copy): an
        // access to the class's property held across those calls would be tracked at run time.
        var pending: [UInt8] = []
        swap(&pending, &lanes[index].pending)
        defer { swap(&pending, &lanes[index].pending) }
        let start = pending.count
        line(&pending)
        let kept = try pending.withUnsafeBufferPointer { try keep(UnsafeBufferPointer(rebasing: $0[start...])) }
        guard kept else {
            pending.removeSubrange(start...)
            return false
        }
        pending.append(0x0A)
        lanes[index].lines += 1
        lanes[index].size += UInt64(pending.count - start)
        if directory == nil {
            pending.removeAll(keepingCapacity: true)
        } else if pending.count >= Self.flushBytes {
            // Written while still in the processor's cache; the checkpoint records sizes only at
            // the chunk's commit, and a resume cuts the file back to them.
            try write(pending, to: lanes[index].fileName)
            pending.removeAll(keepingCapacity: true)
        }
        return true
    }

    /// Writes every buffered line to its file (before the checkpoint that records the sizes).
    func flush() throws {
        for index in lanes.indices { try flush(index) }
    }

    private func flush(_ index: Int) throws {
        guard !lanes[index].pending.isEmpty else { return }
        try write(lanes[index].pending, to: lanes[index].fileName)
        lanes[index].pending.removeAll(keepingCapacity: true)
    }

    /// Lines per output file so far (`p2p-0001.txt` → n), for the plan.
    var linesPerFile: [String: Int] {
        var out: [String: Int] = [:]
        for lane in lanes {
            for n in 1..<lane.number { out[Self.fileName(lane.kind, n)] = Self.linesPerFile }
            if lane.lines > 0 { out[lane.fileName] = lane.lines }
        }
        return out
    }

    private func write(_ bytes: [UInt8], to name: String) throws {
        guard let directory else { return }
        let path = directory + "/" + name
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw SourceError.unreadable(path)
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try bytes.withUnsafeBytes { try handle.write(contentsOf: $0) }
    }
}
