internal import GRDB

/// Problems found in the source, and the element accounts (SPEC §6, §9). Reports read them
/// aggregated in SQL and streamed: a million problems are never held in memory at once.
extension StateDatabase {
    /// Records validation problems; the same problem recorded twice is kept once. A dry run's
    /// (`dryRun`) holds only for the plan: a run's problem of the same line and kind replaces it.
    public func record(problems: [Problem], dryRun: Bool = false) async throws {
        guard !problems.isEmpty else { return }
        try await pool.write { db in
            for problem in problems { try Self.insert(problem, dryRun: dryRun, in: db) }
        }
    }

    /// Forgets the dry run's problems of `code` (a new plan judges them afresh).
    public func forgetPlanProblems(code: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM problem WHERE dry_run = 1 AND code = ?", arguments: [code])
        }
    }

    /// Records one problem on an open connection (inside another transaction). A dry run's
    /// problem never replaces a run's; a run's replaces a dry run's (it is what the run found).
    static func insert(_ problem: Problem, dryRun: Bool, in db: Database) throws {
        let sql =
            dryRun
            ? """
            INSERT OR IGNORE INTO problem (stage, file, line, code, message, severity, dry_run)
            VALUES (?, ?, ?, ?, ?, ?, 1)
            """
            : """
            INSERT INTO problem (stage, file, line, code, message, severity, dry_run) VALUES (?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (stage, file, line, code) DO UPDATE
            SET message = excluded.message, severity = excluded.severity, dry_run = 0 WHERE dry_run = 1
            """
        try db.cachedStatement(sql: sql).execute(arguments: [
            problem.stage.rawValue, problem.file, problem.line, problem.code, problem.message,
            problem.severity.rawValue,
        ])
    }

    /// Every recorded problem of `stages` (all when nil), in the order found; a dry run's only
    /// when `plan`. Streams in pages.
    public func forEachProblem(
        stages: [StageID]? = nil, plan: Bool, _ body: (Problem) throws -> Void
    ) async throws {
        try await forEachPage(from: Int64(0)) { after in
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, stage, file, line, code, message, severity FROM problem
                        WHERE id > ? AND (dry_run = 0 OR ?) ORDER BY id LIMIT 5000
                        """, arguments: [after, plan]
                ).map { (id: $0["id"] as Int64, problem: Self.problem($0)) }
            }
        } key: {
            $0.id
        } _: { page in
            for case let (_, problem?) in page where stages?.contains(problem.stage) ?? true { try body(problem) }
        }
    }

    /// Every recorded problem (small states and tests; reports stream with ``forEachProblem``).
    public func problems(stage: StageID? = nil, plan: Bool = true) async throws -> [Problem] {
        var out: [Problem] = []
        try await forEachProblem(stages: stage.map { [$0] }, plan: plan) { out.append($0) }
        return out
    }

    /// Problems counted by code and severity, in SQL.
    public func problemCounts(stages: [StageID], plan: Bool) async throws -> ProblemCounts {
        try await pool.read { db in
            var counts = ProblemCounts()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, code, severity, COUNT(*) AS n FROM problem
                    WHERE dry_run = 0 OR ? GROUP BY stage, code, severity
                    """, arguments: [plan])
            for row in rows {
                guard let stage = StageID(rawValue: row["stage"]), stages.contains(stage) else { continue }
                let n: Int = row["n"]
                let code: String = row["code"]
                counts.byCode[code, default: 0] += n
                if row["severity"] == Problem.Severity.error.rawValue {
                    counts.errors += n
                } else {
                    counts.warnings += n
                }
            }
            return counts
        }
    }

    /// The first `perKind` problems of each code (the rest are counted, and in `problems.jsonl`).
    public func listedProblems(stages: [StageID], plan: Bool, perKind: Int) async throws -> [Problem] {
        let names = stages.map(\.rawValue)
        let placeholders = names.map { _ in "?" }.joined(separator: ", ")
        return try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, file, line, code, message, severity FROM (
                        SELECT *, ROW_NUMBER() OVER (PARTITION BY code ORDER BY id) AS n FROM problem
                        WHERE (dry_run = 0 OR ?) AND stage IN (\(placeholders))
                    ) WHERE n <= ? ORDER BY code, id
                    """, arguments: StatementArguments([plan]) + StatementArguments(names) + [perKind])
            return rows.compactMap(Self.problem)
        }
    }

    static func problem(_ row: Row) -> Problem? {
        guard let stage = StageID(rawValue: row["stage"]) else { return nil }
        return Problem(
            stage: stage, file: row["file"], line: row["line"], code: row["code"], message: row["message"],
            severity: Problem.Severity(rawValue: row["severity"]) ?? .error)
    }

    // MARK: Element accounts

    /// Replaces the accounts of one layer (the adapter's, or a stage's registration).
    public func setAccounts(layer: String, _ book: AccountBook) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM element_account WHERE layer = ?", arguments: [layer])
            for (file, account) in book.files {
                try Self.addAccount(layer: layer, file: file, account, replace: true, in: db)
            }
        }
    }

    static func addAccount(layer: String, file: String, _ a: ElementAccount, replace: Bool, in db: Database) throws {
        let sql =
            replace
            ? "INSERT OR REPLACE INTO element_account VALUES (?, ?, ?, ?, ?, ?)"
            : """
            INSERT INTO element_account VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (layer, file) DO UPDATE SET
            read = read + excluded.read, passed = passed + excluded.passed, merged = merged + excluded.merged,
            reported = reported + excluded.reported
            """
        try db.cachedStatement(sql: sql).execute(arguments: [layer, file, a.read, a.passed, a.merged, a.reported])
    }

    /// Every account: layer (`source` for an adapter, else the stage), file, counts.
    public func accounts() async throws -> [(layer: String, file: String, account: ElementAccount)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM element_account ORDER BY file, layer").map { row in
                (
                    row["layer"], row["file"],
                    ElementAccount(
                        read: row["read"], passed: row["passed"], merged: row["merged"], reported: row["reported"])
                )
            }
        }
    }

    /// Per source file, the distinct lines of its work items that failed and that are not finished.
    public func itemLinesByOutcome() async throws -> [String: (failed: Int, pending: Int)] {
        try await pool.read { db in
            var out: [String: (failed: Int, pending: Int)] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT source_file AS file,
                        COUNT(DISTINCT CASE WHEN status = 3 THEN source_line END) AS failed,
                        COUNT(DISTINCT CASE WHEN status IN (0, 1) THEN source_line END) AS pending
                    FROM work_item WHERE source_file IS NOT NULL AND stage IN ('users', 'relations', 'groups')
                    GROUP BY source_file
                    """)
            for row in rows { out[row["file"]] = (row["failed"], row["pending"]) }
            return out
        }
    }
}

/// Problems counted in SQL.
public struct ProblemCounts: Sendable, Codable, Equatable {
    public var errors = 0
    public var warnings = 0
    public var byCode: [String: Int] = [:]
}
