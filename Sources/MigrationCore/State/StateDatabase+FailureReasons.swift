internal import GRDB

extension StateDatabase {
    /// The failed items of `stages` grouped by reason (code and desc, as `failed.jsonl` has them):
    /// per stage its ``FailureReason/listedPerStage`` most frequent reasons, each with its count and
    /// its first ``FailureReason/listedPerReason`` items. Counted in SQL, never loaded whole.
    public func failureReasons(stages: [StageID]) async throws -> [FailureReason] {
        try await pool.read { db in
            var out: [FailureReason] = []
            for stage in stages {
                let groups = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT error_code, error_desc, count(*) AS n FROM work_item WHERE stage = ? AND status = 3
                        GROUP BY error_code, error_desc ORDER BY n DESC, min(id) LIMIT ?
                        """, arguments: [stage.rawValue, FailureReason.listedPerStage])
                for group in groups {
                    let code: Int? = group["error_code"]
                    let desc: String? = group["error_desc"]
                    let items = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT key, source_file, source_line FROM work_item
                            WHERE stage = ? AND status = 3 AND error_code IS ? AND error_desc IS ? ORDER BY id LIMIT ?
                            """, arguments: [stage.rawValue, code, desc, FailureReason.listedPerReason]
                    ).map { FailureReason.Item(key: $0["key"], file: $0["source_file"], line: $0["source_line"]) }
                    out.append(
                        FailureReason(
                            stage: stage, code: String(code ?? 0), desc: desc ?? "", count: group["n"], items: items))
                }
            }
            return out
        }
    }
}
