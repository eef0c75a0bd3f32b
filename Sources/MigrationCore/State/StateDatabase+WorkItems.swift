internal import GRDB

extension StateDatabase {
    /// Puts a stage's failed items back to pending (`run --retry-failed`). Returns how many.
    @discardableResult
    public func resetFailed(stage: StageID) async throws -> Int {
        let time = now()
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE work_item SET status = 0, error_code = NULL, error_desc = NULL, retryable = NULL,
                    updated_at = ? WHERE stage = ? AND status = 3
                    """, arguments: [time, stage.rawValue])
            return db.changesCount
        }
    }

    /// Whether any of `stages` has an item in flight: a run stopped without settling it (killed).
    public func anyInFlight(stages: [StageID]) async throws -> Bool {
        guard !stages.isEmpty else { return false }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: stages.count).joined(separator: ", ")
            return try Bool.fetchOne(
                db, sql: "SELECT 1 FROM work_item WHERE stage IN (\(marks)) AND status = 1 LIMIT 1",
                arguments: StatementArguments(stages.map(\.rawValue))) ?? false
        }
    }

    /// Items a dead run left in flight: their effect may have happened, so the stage reconciles them.
    public func inFlightItems(stage: StageID, kind: String? = nil) async throws -> [WorkItem] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT \(WorkItem.columns) FROM work_item WHERE stage = ?1 AND status = 1 AND (?2 IS NULL OR kind = ?2) ORDER BY id",
                arguments: [stage.rawValue, kind]
            ).compactMap(WorkItem.init(row:))
        }
    }

    /// Marks up to `limit` pending items in flight (one transaction) and returns them in id order.
    /// The mark is durable before any effect, so a crash leaves them visibly uncertain.
    ///
    /// `after`: only items with a larger id. A caller that claims one kind of a stage whose kinds
    /// are interleaved (friendships and aliases) passes the last id it got: without it, every
    /// claim would step again over all pending items of the other kinds before it (quadratic).
    public func claim(stage: StageID, kind: String? = nil, after: Int64 = 0, limit: Int) async throws -> [WorkItem] {
        let time = now()
        return try await pool.write { db in
            // One statement marks and returns the rows (RETURNING gives them in no set order).
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE work_item SET status = 1, attempts = attempts + 1, updated_at = ?1
                    WHERE id IN (
                        SELECT id FROM work_item WHERE stage = ?2 AND status = 0 AND id > ?3
                        AND (?4 IS NULL OR kind = ?4) ORDER BY id LIMIT ?5)
                    RETURNING \(WorkItem.columns)
                    """)
            var items: [WorkItem] = []
            items.reserveCapacity(limit)
            try Row.fetchCursor(statement, arguments: [time, stage.rawValue, after, kind, limit]).forEach { row in
                if let item = WorkItem(row: row) { items.append(item) }
            }
            items.sort { $0.id < $1.id }
            return items
        }
    }

    /// Returns claimed items that were never started to pending (a clean stop).
    public func release(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE work_item SET status = 0, attempts = max(attempts - 1, 0) WHERE id = ? AND status = 1")
            for id in ids { try statement.execute(arguments: [id]) }
        }
    }

    /// Writes a batch of outcomes in one transaction.
    public func complete(_ outcomes: [(id: Int64, outcome: ItemOutcome)]) async throws {
        guard !outcomes.isEmpty else { return }
        let time = now()
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE work_item SET status = ?, result = ?, error_code = ?, error_desc = ?, retryable = ?,
                    updated_at = ? WHERE id = ?
                    """)
            for (id, outcome) in outcomes {
                switch outcome {
                case .done(let result):
                    try statement.execute(arguments: [WorkStatus.done.rawValue, result, nil, nil, nil, time, id])
                case .failed(let failure):
                    let desc = failure.desc.isEmpty ? failure.description : failure.desc
                    try statement.execute(
                        arguments: [WorkStatus.failed.rawValue, nil, failure.code, desc, failure.retryable, time, id])
                case .skipped(let reason):
                    try statement.execute(arguments: [WorkStatus.skipped.rawValue, nil, nil, reason, nil, time, id])
                case .postponed:
                    try statement.execute(arguments: [WorkStatus.pending.rawValue, nil, nil, nil, nil, time, id])
                }
            }
        }
    }

    /// Puts one item back to pending (work to do again), when it exists.
    public func reopen(stage: StageID, key: String) async throws {
        let time = now()
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE work_item SET status = 0, result = NULL, updated_at = ? WHERE stage = ? AND key = ?",
                arguments: [time, stage.rawValue, key])
        }
    }

    /// Durably records a sub-step of an item in flight (e.g. "team created as tid 10001").
    public func saveProgress(_ id: Int64, _ progress: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE work_item SET progress = ? WHERE id = ?", arguments: [progress, id])
        }
    }

    /// With NIM's v2 friend add, which carries the adding side's alias and ex: turns the pending
    /// `alias:FROM>TO` items that a friendship's add will carry into kind `alias-carried` — the
    /// direction from the smaller accid when it has one, else the other — and leaves as `alias`
    /// only the second direction of a pair whose two sides both carry something. Accids hold no
    /// `>` (NIM's rules), and SQLite compares them bytewise like Swift's `sorted()` of ASCII.
    public func markCarriedAliases(stage: StageID) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE work_item SET kind = 'alias-carried'
                    WHERE stage = ?1 AND kind = 'alias' AND status = 0 AND (
                      substr(key, 7, instr(key, '>') - 7) < substr(key, instr(key, '>') + 1)
                      OR NOT EXISTS (
                        SELECT 1 FROM work_item r WHERE r.stage = ?1 AND r.key =
                          'alias:' || substr(work_item.key, instr(work_item.key, '>') + 1) || '>'
                          || substr(work_item.key, 7, instr(work_item.key, '>') - 7)))
                    """, arguments: [stage.rawValue])
        }
    }

    /// Friendships still to set up whose two directions both carry alias or ex (pending alias
    /// items whose reverse is also pending): the updates the v2 add cannot spare. Pairs are found by
    /// sorting (`GROUP BY`) the stage's `alias:` keys, read in index order, rather than by a lookup of
    /// each key's reverse at a random place of the index.
    public func twoSidedAliases(stage: StageID) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (
                      SELECT min(a, b) AS one, max(a, b) AS other FROM (
                        SELECT substr(key, 7, instr(key, '>') - 7) AS a, substr(key, instr(key, '>') + 1) AS b
                        FROM work_item WHERE stage = ? AND key >= 'alias:' AND key < 'alias;' AND status = 0)
                      GROUP BY one, other HAVING count(*) = 2)
                    """, arguments: [stage.rawValue]) ?? 0
        }
    }

    /// When the latest done item of `stages` was finished (ms), nil when none is.
    public func lastFinished(stages: [StageID]) async throws -> Int64? {
        guard !stages.isEmpty else { return nil }
        let marks = stages.map { _ in "?" }.joined(separator: ",")
        return try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT max(updated_at) FROM work_item WHERE status = ? AND stage IN (\(marks))",
                arguments: StatementArguments([WorkStatus.done.rawValue] + stages.map(\.rawValue)))
        }
    }

    /// When an item was last changed (ms).
    public func updatedAt(stage: StageID, key: String) async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT updated_at FROM work_item WHERE stage = ? AND key = ?",
                arguments: [stage.rawValue, key])
        }
    }

    /// One item by stage and key.
    public func item(stage: StageID, key: String) async throws -> WorkItem? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(WorkItem.columns) FROM work_item WHERE stage = ? AND key = ?",
                arguments: [stage.rawValue, key]
            ).flatMap(WorkItem.init(row:))
        }
    }

    /// Items of a stage in a status with ids above `after`, in id order: page through with the
    /// last id seen.
    public func items(stage: StageID, status: WorkStatus, after: Int64 = 0, limit: Int = .max) async throws
        -> [WorkItem]
    {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT \(WorkItem.columns) FROM work_item WHERE stage = ? AND status = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [stage.rawValue, status.rawValue, after, limit]
            ).compactMap(WorkItem.init(row:))
        }
    }

    /// Every work item of a stage by key, to its id.
    public func itemIDs(stage: StageID) async throws -> [String: Int64] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT key, id FROM work_item WHERE stage = ?", arguments: [stage.rawValue])
            return Dictionary(rows.map { ($0["key"], $0["id"]) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Every item of a stage in a status (and of a kind, when given), paged from the database.
    /// For stages whose items are few (groups, relations), not for files or messages.
    public func allItems(stage: StageID, status: WorkStatus, kind: String? = nil) async throws -> [WorkItem] {
        var all: [WorkItem] = []
        try await forEachItem(stage: stage, status: status, kind: kind) { all.append($0) }
        return all
    }

    /// Calls `body` with every item of a stage in a status (and of a kind, when given), a page of
    /// the database at a time: memory does not grow with the number of items.
    public func forEachItem(
        stage: StageID, status: WorkStatus, kind: String? = nil, _ body: (WorkItem) throws -> Void
    ) async throws {
        try await forEachPage(from: Int64(0)) { after in
            try await items(stage: stage, status: status, after: after, limit: 5000)
        } key: {
            $0.id
        } _: { page in
            for item in page where kind == nil || item.kind == kind { try body(item) }
        }
    }

    /// The non-empty values of one top-level text field of the JSON payloads of a stage's items in
    /// these statuses, in item order — read by SQLite, without decoding each payload whole (the
    /// users stage's avatars: 20,000 payloads decoded cost a fifth of a plan, issue 27).
    public func payloadTexts(stage: StageID, statuses: [WorkStatus], field: String) async throws -> [String] {
        let path = "$." + field
        let statusList = statuses.map { String($0.rawValue) }.joined(separator: ",")
        return try await pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT json_extract(payload, ?1) FROM work_item
                    WHERE stage = ?2 AND status IN (\(statusList)) AND json_valid(payload)
                    AND json_type(payload, ?1) = 'text' AND json_extract(payload, ?1) <> '' ORDER BY id
                    """, arguments: [path, stage.rawValue])
        }
    }

    /// The non-empty values of one top-level text field of the JSON payloads of a stage's items in
    /// one status, each with the item's source file and line, in item order (the plan's survey of
    /// avatars: read by SQLite, not by decoding every account's payload, issue 27).
    public func payloadTextOrigins(stage: StageID, status: WorkStatus, field: String) async throws
        -> [(text: String, file: String?, line: Int?)]
    {
        let path = "$." + field
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT json_extract(payload, ?1) AS text, source_file, source_line FROM work_item
                    WHERE stage = ?2 AND status = ?3 AND json_valid(payload)
                    AND json_type(payload, ?1) = 'text' AND json_extract(payload, ?1) <> '' ORDER BY id
                    """, arguments: [path, stage.rawValue, status.rawValue]
            ).map { ($0["text"], $0["source_file"], $0["source_line"]) }
        }
    }

    /// Work item counts by status of one stage's items of one kind.
    public func counts(stage: StageID, kind: String) async throws -> StageCounts {
        try await countsByKind(stage: stage)[kind] ?? StageCounts()
    }

    /// A stage's item counts by status for each of its kinds, in one pass over its items.
    public func countsByKind(stage: StageID) async throws -> [String: StageCounts] {
        try await pool.read { db in
            var counts: [String: StageCounts] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT kind, status, count(*) FROM work_item WHERE stage = ? GROUP BY kind, status",
                arguments: [stage.rawValue])
            while let row = try rows.next() {
                if let status = WorkStatus(rawValue: row[1]) { counts[row[0], default: StageCounts()][status] = row[2] }
            }
            return counts
        }
    }

    /// Work item counts by status for every stage that has items.
    public func counts() async throws -> [StageID: StageCounts] {
        try await pool.read { db in
            var result: [StageID: StageCounts] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT stage, status, count(*) AS n FROM work_item GROUP BY stage, status")
            for row in rows {
                guard let stage = StageID(rawValue: row["stage"]), let status = WorkStatus(rawValue: row["status"])
                else { continue }
                result[stage, default: StageCounts()][status] = row["n"]
            }
            return result
        }
    }

    /// Items of a stage finished since `since` (ms), for rates.
    public func finishedCount(stage: StageID, since: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM work_item WHERE stage = ? AND status IN (2, 3, 4) AND updated_at >= ?",
                arguments: [stage.rawValue, since]) ?? 0
        }
    }
}

extension WorkItem {
    /// The columns ``init(row:)`` reads, in its order: select these (by name a column costs a
    /// case-insensitive search of the row's names, and the claim of every item reads one).
    static let columns = "id, stage, key, kind, payload, source_file, source_line, status, attempts, progress, result"
    static let columnCount = 11

    init?(row: Row) {
        guard let stage = StageID(rawValue: row[1]), let status = WorkStatus(rawValue: row[7]) else { return nil }
        self.init(
            id: row[0], stage: stage, key: row[2], kind: row[3], payload: row[4], sourceFile: row[5],
            sourceLine: row[6], status: status, attempts: row[8], progress: row[9], result: row[10])
    }
}

/// A failed work item with the error it ended on.
public struct FailedItem: Sendable {
    public var item: WorkItem
    public var code: Int
    public var desc: String
    public var retryable: Bool
}

extension StateDatabase {
    /// The failed items of a stage, in id order (small states and tests; reports stream with
    /// ``forEachFailedItem(stage:_:)``).
    public func failedItems(stage: StageID) async throws -> [FailedItem] {
        var all: [FailedItem] = []
        try await forEachFailedItem(stage: stage) { all.append($0) }
        return all
    }

    /// Calls `body` with each failed item of a stage in id order, a page at a time.
    public func forEachFailedItem(stage: StageID, _ body: (FailedItem) throws -> Void) async throws {
        try await forEachPage(from: Int64(0)) { after in
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(WorkItem.columns), error_code, error_desc, retryable FROM work_item
                        WHERE stage = ? AND status = 3 AND id > ? ORDER BY id LIMIT 5000
                        """,
                    arguments: [stage.rawValue, after]
                ).compactMap { row in
                    WorkItem(row: row).map {
                        FailedItem(
                            item: $0, code: row[WorkItem.columnCount] ?? 0, desc: row[WorkItem.columnCount + 1] ?? "",
                            retryable: row[WorkItem.columnCount + 2] ?? false)
                    }
                }
            }
        } key: {
            $0.item.id
        } _: { page in
            for item in page { try body(item) }
        }
    }
}
