internal import Foundation

/// The import files: `p2p-0001.txt`, `team-0001.txt`, … in `state/NAME/history/`, appended chunk by
/// chunk. Their sizes are part of the history checkpoint: a resumed pass first truncates each
/// file to the size the last committed checkpoint recorded, so bytes written by a chunk whose
/// transaction never committed disappear and the output ends byte-identical to an uninterrupted run.
final class HistoryOutput {
    /// Files roll over after this many lines ("as few files as sensible").
    static let linesPerFile = 5_000_000

    /// Where the output stands: per kind, the current file number and its lines; per file, bytes.
    struct State: Codable, Equatable {
        var number: [String: Int] = ["p2p": 1, "team": 1]
        var lines: [String: Int] = ["p2p": 0, "team": 0]
        var sizes: [String: UInt64] = [:]
    }

    /// Nil for a dry run: lines are counted, nothing is written.
    let directory: String?
    private(set) var state: State
    private var pending: [String: Data] = [:]

    init(directory: String?, state: State) throws {
        self.directory = directory
        self.state = state
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

    /// `p2p-NNNN.txt`, `team-NNNN.txt` or `manifest.json`.
    static func isOutput(_ name: String) -> Bool {
        name == "manifest.json"
            || name.range(of: "^(p2p|team)-[0-9]{4,}\\.txt$", options: .regularExpression) != nil
    }

    static func fileName(_ kind: String, _ number: Int) -> String {
        let digits = String(number)
        return "\(kind)-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits).txt"
    }

    /// Buffers one line for `kind` (p2p or team).
    func append(_ line: String, kind: String) throws {
        if state.lines[kind, default: 0] >= Self.linesPerFile {
            try flushKind(kind)
            state.number[kind, default: 1] += 1
            state.lines[kind] = 0
        }
        let name = Self.fileName(kind, state.number[kind, default: 1])
        if directory != nil {
            pending[name, default: Data()].append(contentsOf: line.utf8)
            pending[name, default: Data()].append(0x0A)
        }
        state.lines[kind, default: 0] += 1
        state.sizes[name, default: 0] += UInt64(line.utf8.count + 1)
    }

    /// Writes every buffered line to its file (before the checkpoint that records the sizes).
    func flush() throws {
        for (name, data) in pending where !data.isEmpty {
            try write(data, to: name)
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func flushKind(_ kind: String) throws {
        let name = Self.fileName(kind, state.number[kind, default: 1])
        if let data = pending[name], !data.isEmpty {
            try write(data, to: name)
            pending[name] = nil
        }
    }

    /// Lines per output file so far (`p2p-0001.txt` → n), for the plan.
    var linesPerFile: [String: Int] {
        var out: [String: Int] = [:]
        for kind in ["p2p", "team"] {
            let number = state.number[kind, default: 1]
            for n in 1..<number { out[Self.fileName(kind, n)] = Self.linesPerFile }
            if state.lines[kind, default: 0] > 0 { out[Self.fileName(kind, number)] = state.lines[kind, default: 0] }
        }
        return out
    }

    private func write(_ data: Data, to name: String) throws {
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
        try handle.write(contentsOf: data)
    }
}
