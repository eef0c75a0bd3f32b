import GRDB

/// Named integer counters in the `counters` table: id sequences (tids, msgids, file ids,
/// tokens) and the traffic statistics of the dump.
enum Counters {
    /// Next team id; the first is 10001.
    static let tid = "nextTid"
    /// Next server message id.
    static let msgid = "nextMsgid"
    /// Next upload id.
    static let file = "nextFile"
    /// Tokens issued so far (feeds token generation).
    static let token = "tokensIssued"
    /// Last message timetag, to keep timetags strictly increasing.
    static let lastTimetag = "lastTimetag"
    /// API calls received.
    static let totalCalls = "totalCalls"
    /// Calls answered 416.
    static let throttled = "throttled"
    /// Calls answered HTTP 500/503 by fault injection.
    static let faults = "faults"
    /// Calls whose connection was dropped by fault injection.
    static let drops = "drops"
    /// Responses sent with a mid-body stall.
    static let stalls = "stalls"
    /// Largest number of API calls that arrived within one second.
    static let maxCallsPerSecond = "maxCallsPerSecond"

    /// Current value, 0 when never set.
    static func value(_ db: Database, _ name: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [name]) ?? 0
    }

    /// Stores a value.
    static func set(_ db: Database, _ name: String, _ value: Int64) throws {
        try db.execute(
            sql:
                "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            arguments: [name, value]
        )
    }

    /// Adds `delta` and returns the new value.
    @discardableResult
    static func add(_ db: Database, _ name: String, _ delta: Int64) throws -> Int64 {
        let next = try value(db, name) + delta
        try set(db, name, next)
        return next
    }

    /// Takes the next number of a sequence that starts at `start`.
    static func next(_ db: Database, _ name: String, start: Int64) throws -> Int64 {
        let current = try Int64.fetchOne(db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [name])
        let issued = current.map { $0 + 1 } ?? start
        try set(db, name, issued)
        return issued
    }
}
