internal import GRDB
internal import GRDBSQLite

/// One prepared statement stepped row by row with its values bound directly — none of GRDB's
/// per-argument boxes — for the work done once per source line (issue 27: a third of what writing
/// a registration batch cost): the inserts of a registration batch, the account questions of
/// ``SourceUserReader``. Prepare, bind, run or step; it is finalized when it goes.
struct RawStatement: ~Copyable {
    private let handle: OpaquePointer
    private let connection: OpaquePointer

    /// A statement on the connection of a GRDB access (it must not outlive the access).
    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE) }
        try self.init(connection: connection, sql: sql)
    }

    init(connection: OpaquePointer, sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ value: Int?) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    /// Runs the statement with the values bound (a statement that returns no rows), then resets it.
    /// Returns how many rows it changed.
    @discardableResult
    func run() throws -> Int {
        defer { sqlite3_reset(handle) }
        guard try !step() else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "a row where none was asked")
        }
        return Int(sqlite3_changes(connection))
    }

    /// Every row the statement gives with the values bound, as `row` reads it; then resets it.
    func rows<Row>(_ row: (borrowing RawStatement) -> Row) throws -> [Row] {
        defer { sqlite3_reset(handle) }
        var rows: [Row] = []
        while try step() { rows.append(row(self)) }
        return rows
    }

    /// Column `index` of the current row as text ("" for NULL), or as an integer.
    func text(_ index: Int32) -> String { sqlite3_column_text(handle, index).map { String(cString: $0) } ?? "" }
    func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    /// One step: whether it gave a row.
    private func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
    }
}
