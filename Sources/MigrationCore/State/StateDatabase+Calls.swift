internal import GRDB

extension StateDatabase {
    /// Adds call counts of a run's stage, per endpoint, in one transaction.
    public func addCalls(run: Int64, stage: StageID, _ stats: [String: CallStats]) async throws {
        guard !stats.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO call_stat (run_id, stage, endpoint, calls, retries, throttled, failures)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, stage, endpoint) DO UPDATE SET
                    calls = calls + excluded.calls, retries = retries + excluded.retries,
                    throttled = throttled + excluded.throttled, failures = failures + excluded.failures
                    """)
            for (endpoint, s) in stats {
                try statement.execute(arguments: [
                    run, stage.rawValue, endpoint, s.calls, s.retries, s.throttled, s.failures,
                ])
            }
        }
    }

    /// Call counts per stage and endpoint, over one run or (run nil) over all runs.
    public func callStats(run: Int64? = nil) async throws -> [StageID: [String: CallStats]] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, endpoint, sum(calls) AS calls, sum(retries) AS retries,
                    sum(throttled) AS throttled, sum(failures) AS failures
                    FROM call_stat WHERE ?1 IS NULL OR run_id = ?1 GROUP BY stage, endpoint
                    """, arguments: [run])
            var result: [StageID: [String: CallStats]] = [:]
            for row in rows {
                guard let stage = StageID(rawValue: row["stage"]) else { continue }
                result[stage, default: [:]][row["endpoint"]] = CallStats(
                    calls: row["calls"], retries: row["retries"], throttled: row["throttled"],
                    failures: row["failures"])
            }
            return result
        }
    }

    /// Wall time per stage in ms, summed over runs (or for one run).
    public func stageWallTime(run: Int64? = nil) async throws -> [StageID: Int64] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, sum(coalesce(ended_at, started_at) - started_at) AS ms FROM stage_run
                    WHERE ?1 IS NULL OR run_id = ?1 GROUP BY stage
                    """, arguments: [run])
            var result: [StageID: Int64] = [:]
            for row in rows {
                if let stage = StageID(rawValue: row["stage"]) { result[stage] = row["ms"] }
            }
            return result
        }
    }

    /// The most recent run's id, mode and outcome.
    public func lastRun() async throws -> (id: Int64, mode: String, outcome: String?)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, mode, outcome FROM run ORDER BY id DESC LIMIT 1").map {
                (id: $0["id"], mode: $0["mode"], outcome: $0["outcome"])
            }
        }
    }
}
