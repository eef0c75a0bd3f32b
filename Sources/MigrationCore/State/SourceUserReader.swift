internal import GRDBSQLite
internal import Synchronization

/// Questions to `source_user` by accid on a read-only SQLite connection of its own, inside one read
/// transaction (a snapshot) from the first question to the reader's end: a question costs a bind
/// and a step, where a GRDB read cost a queue hop, a statement-cache lookup and a `Row` — five
/// microseconds per account a million-user relations pass names (issue 27). For ``UserLookup``.
final class SourceUserReader: Sendable {
    private let handles: Mutex<Handles>

    private struct Handles: ~Copyable {
        let connection: OpaquePointer
        let exact: OpaquePointer
        let folded: OpaquePointer

        deinit {
            sqlite3_finalize(exact)
            sqlite3_finalize(folded)
            sqlite3_exec(connection, "COMMIT", nil, nil, nil)
            sqlite3_close_v2(connection)
        }
    }

    /// Opens the state database at `path`; nil when it cannot (the caller asks through GRDB).
    init?(path: String) {
        var connection: OpaquePointer?
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
            let connection
        else {
            sqlite3_close_v2(connection)
            return nil
        }
        var exact: OpaquePointer?
        var folded: OpaquePointer?
        guard sqlite3_busy_timeout(connection, 10_000) == SQLITE_OK,
            sqlite3_exec(connection, "PRAGMA cache_size = -16384; BEGIN", nil, nil, nil) == SQLITE_OK,
            sqlite3_prepare_v2(connection, "SELECT nim, status FROM source_user WHERE original = ?", -1, &exact, nil)
                == SQLITE_OK,
            sqlite3_prepare_v2(
                connection, "SELECT nim, status FROM source_user WHERE folded = ? LIMIT 2", -1, &folded, nil)
                == SQLITE_OK,
            let exact, let folded
        else {
            sqlite3_finalize(exact)
            sqlite3_finalize(folded)
            sqlite3_close_v2(connection)
            return nil
        }
        handles = Mutex(Handles(connection: connection, exact: exact, folded: folded))
    }

    /// What a reference means (see ``StateDatabase/resolveUser(_:in:)``, the same questions through
    /// GRDB).
    func resolve(_ reference: String) throws -> UserResolution {
        try handles.withLock { handles in
            if let found = try Self.ask(handles.exact, reference, handles.connection).first {
                return found
            }
            let folded = try Self.ask(handles.folded, reference.lowercased(), handles.connection)
            return folded.count == 1 ? folded[0] : .unknown
        }
    }

    private static func ask(_ statement: OpaquePointer, _ value: String, _ connection: OpaquePointer) throws
        -> [UserResolution]
    {
        defer { sqlite3_reset(statement) }
        var value = value
        value.withUTF8 { bytes in
            _ = sqlite3_bind_text(
                statement, 1, bytes.baseAddress, Int32(bytes.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            )
        }
        var rows: [UserResolution] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                let nim = sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? ""
                rows.append(StateDatabase.resolution(nim: nim, status: Int(sqlite3_column_int64(statement, 1))))
            case SQLITE_DONE:
                return rows
            case let code:
                throw SourceUserReaderError(message: String(cString: sqlite3_errmsg(connection)), code: code)
            }
        }
    }
}

/// SQLite's answer when a question to `source_user` failed.
struct SourceUserReaderError: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { "reading source_user: \(message) (\(code))" }
}
