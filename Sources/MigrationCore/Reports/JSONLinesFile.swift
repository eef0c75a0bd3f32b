internal import Foundation

/// A JSON-lines output file written as it goes and put in place whole: lines are buffered into a
/// temporary file beside it, which replaces the old file only at ``commit()``.
final class JSONLinesFile {
    let path: String
    private let temporary: String
    private let file: BufferedFile
    private let encoder = JSONEncoder()
    /// Lines written so far.
    private(set) var count = 0

    init(path: String) throws {
        self.path = path
        temporary = path + ".tmp"
        file = try BufferedFile(path: temporary)
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Appends one value as a line.
    func write(_ value: some Encodable) throws {
        try file.writeLine(try encoder.encode(value))
        count += 1
    }

    /// Writes what is left and moves the file into place.
    func commit() throws {
        try file.close(sync: false)
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}

/// Writes `problems.jsonl` (SPEC §6): every problem, errors and warnings alike, streamed from
/// the state database — by `plan` (its own findings included) and rewritten by `run` (what the
/// run found: a dry run's warnings that the run resolved are not in it).
public enum ProblemsFile {
    /// One line.
    struct Line: Encodable {
        var stage: StageID
        var severity: Problem.Severity
        var code: String
        var file: String
        var line: Int
        var desc: String
    }

    /// Writes the file for `stages` and returns how many lines it holds.
    @discardableResult
    public static func write(database: StateDatabase, stages: [StageID], plan: Bool, to path: String) async throws
        -> Int
    {
        let file = try JSONLinesFile(path: path)
        try await database.forEachProblem(stages: stages, plan: plan) { p in
            try file.write(
                Line(stage: p.stage, severity: p.severity, code: p.code, file: p.file, line: p.line, desc: p.message))
        }
        try file.commit()
        return file.count
    }
}
