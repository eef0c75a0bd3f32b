internal import Foundation

/// Problems as JSON lines in a file, written as they are found and read back in batches: an
/// Easemob export can hold a million skipped command messages, and none of the places that pass
/// them on (the adapter, `problems.jsonl`) holds them all in memory.
public final class ProblemLog {
    let path: String
    private let handle: FileHandle
    private var buffer = Data()
    private let encoder: JSONEncoder

    /// Creates (or empties) the file at `path`.
    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw SourceError.unwritable(path) }
        self.handle = handle
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Appends one problem.
    func append(_ problem: Problem) throws {
        buffer.append(try encoder.encode(problem))
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends problems.
    func append(contentsOf problems: [Problem]) throws {
        for problem in problems { try append(problem) }
    }

    /// Appends the problems of another log file as they are (its lines are already problems).
    func append(contentsOfFile path: String) throws {
        try flush()
        guard let source = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? source.close() }
        while let chunk = try source.read(upToCount: 1 << 20), !chunk.isEmpty {
            try handle.write(contentsOf: chunk)
        }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes.
    func close() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
    }

    /// Reads a log back, `batch` problems at a time.
    public static func forEach(
        _ path: String, batch: Int = 5000, _ body: ([Problem]) async throws -> Void
    ) async throws {
        let decoder = JSONDecoder()
        var problems: [Problem] = []
        try await LineReader(path: path).forEachLine { _, bytes in
            guard let bytes else { return }
            problems.append(try decoder.decode(Problem.self, from: bytes))
            if problems.count >= batch {
                try await body(problems)
                problems.removeAll(keepingCapacity: true)
            }
        }
        if !problems.isEmpty { try await body(problems) }
    }
}
