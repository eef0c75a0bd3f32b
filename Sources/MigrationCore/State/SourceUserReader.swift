internal import GRDBSQLite
internal import Synchronization

/// Questions to `source_user` by accid on a read-only SQLite connection of its own, inside one read
/// transaction (a snapshot) from the first question to the reader's end: a question costs a bind
/// and a step (``RawStatement``), where a GRDB read cost a queue hop, a statement-cache lookup and
/// a `Row` — five microseconds per account a million-user relations pass names (issue 27). For
/// ``UserLookup``; the rule is ``StateDatabase/resolveUser(_:ask:)``'s.
final class SourceUserReader: Sendable {
    private let handles: Mutex<Handles>

    private struct Handles: ~Copyable {
        let connection: OpaquePointer
        let exact: RawStatement
        let folded: RawStatement

        /// The answers to one of ``StateDatabase/resolveUser(_:ask:)``'s questions.
        func ask(_ question: String, _ value: String) throws -> [UserResolution] {
            question == StateDatabase.exactUserQuestion
                ? try Self.answers(exact, value) : try Self.answers(folded, value)
        }

        private static func answers(_ statement: borrowing RawStatement, _ value: String) throws -> [UserResolution] {
            statement.bind(1, value)
            return try statement.rows { StateDatabase.resolution(nim: $0.text(0), status: $0.int(1)) }
        }

        deinit {
            // The statements are finalized after this; `close_v2` waits for them.
            sqlite3_exec(connection, "COMMIT", nil, nil, nil)
            sqlite3_close_v2(connection)
        }
    }

    /// Opens the state database at `path`; nil when it cannot (the caller asks through GRDB).
    init?(path: String) {
        var opened: OpaquePointer?
        guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
            let connection = opened,
            sqlite3_busy_timeout(connection, 10_000) == SQLITE_OK,
            sqlite3_exec(connection, "PRAGMA cache_size = -16384; BEGIN", nil, nil, nil) == SQLITE_OK,
            let exact = try? RawStatement(connection: connection, sql: StateDatabase.exactUserQuestion),
            let folded = try? RawStatement(connection: connection, sql: StateDatabase.foldedUserQuestion)
        else {
            sqlite3_close_v2(opened)
            return nil
        }
        handles = Mutex(Handles(connection: connection, exact: exact, folded: folded))
    }

    /// What a reference means (see ``StateDatabase/resolveUser(_:)``).
    func resolve(_ reference: String) throws -> UserResolution {
        try handles.withLock { handles in
            try StateDatabase.resolveUser(reference) { try handles.ask($0, $1) }
        }
    }
}
