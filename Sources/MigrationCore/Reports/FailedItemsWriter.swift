internal import Foundation

/// Writes `failed.jsonl`: one line per failed work item and per rejected source line, each with
/// stage, source file and line, code, desc and whether a retry may help.
public enum FailedItemsWriter {
    struct Line: Encodable {
        var stage: StageID
        var kind: String
        var key: String?
        var file: String?
        var line: Int?
        var code: String
        var desc: String
        var retryable: Bool
        var attempts: Int?
    }

    /// Writes the file for `stages` and returns how many lines it holds.
    @discardableResult
    public static func write(database: StateDatabase, stages: [StageID], to path: String) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        var count = 0
        for stage in stages {
            for item in try await database.failedItems(stage: stage) {
                let line = Line(
                    stage: stage, kind: "item", key: item.item.key, file: item.item.sourceFile,
                    line: item.item.sourceLine, code: String(item.code), desc: item.desc, retryable: item.retryable,
                    attempts: item.item.attempts)
                data.append(try encoder.encode(line))
                data.append(0x0A)
                count += 1
            }
        }
        for problem in try await database.problems() where problem.severity == .error && stages.contains(problem.stage)
        {
            let line = Line(
                stage: problem.stage, kind: "line", key: nil, file: problem.file, line: problem.line,
                code: problem.code, desc: problem.message, retryable: false, attempts: nil)
            data.append(try encoder.encode(line))
            data.append(0x0A)
            count += 1
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        return count
    }
}
