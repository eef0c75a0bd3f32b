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
        let file = try JSONLinesFile(path: path)
        for stage in stages {
            try await database.forEachFailedItem(stage: stage) { item in
                try file.write(
                    Line(
                        stage: stage, kind: "item", key: item.item.key, file: item.item.sourceFile,
                        line: item.item.sourceLine, code: String(item.code), desc: item.desc,
                        retryable: item.retryable, attempts: item.item.attempts))
            }
        }
        try await database.forEachProblem(stages: stages, plan: false) { problem in
            guard problem.severity == .error else { return }
            try file.write(
                Line(
                    stage: problem.stage, kind: "line", key: nil, file: problem.file, line: problem.line,
                    code: problem.code, desc: problem.message, retryable: false, attempts: nil))
        }
        try file.commit()
        return file.count
    }
}
