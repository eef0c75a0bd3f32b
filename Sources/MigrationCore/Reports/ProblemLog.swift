internal import Foundation

/// Problems as JSON lines in a file, written as they are found and read back in batches: an
/// Easemob export can hold a million skipped command messages, and none of the places that pass
/// them on (the adapter, `problems.jsonl`) holds them all in memory.
public final class ProblemLog {
    let path: String
    private let file: BufferedFile
    private let encoder = JSONEncoder()

    /// Creates (or empties) the file at `path`.
    init(path: String) throws {
        self.path = path
        file = try BufferedFile(path: path)
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Appends one problem.
    func append(_ problem: Problem) throws {
        try file.writeLine(try encoder.encode(problem))
    }

    /// Appends problems.
    func append(contentsOf problems: [Problem]) throws {
        for problem in problems { try append(problem) }
    }

    /// Appends the problems of another log file as they are (its lines are already problems).
    func append(contentsOfFile path: String) throws {
        guard let source = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? source.close() }
        while let chunk = try source.read(upToCount: 1 << 20), !chunk.isEmpty { try file.write(chunk) }
    }

    /// Flushes, syncs and closes.
    func close() throws { try file.close() }

    /// Reads a log back, `batch` problems at a time.
    public static func forEach(
        _ path: String, batch: Int = 5000, _ body: ([Problem]) async throws -> Void
    ) async throws {
        let decoder = JSONDecoder()
        var problems: [Problem] = []
        var lines = try LineReader(path: path).open()
        while let (_, bytes) = try lines.next() {
            guard let bytes else { continue }
            problems.append(try decoder.decode(Problem.self, from: bytes))
            if problems.count >= batch {
                try await body(problems)
                problems.removeAll(keepingCapacity: true)
            }
        }
        if !problems.isEmpty { try await body(problems) }
    }
}
