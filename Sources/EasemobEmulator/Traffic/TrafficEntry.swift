internal import EmulatorKit

/// One request as the emulator saw it, for tests asserting what a client did.
struct TrafficEntry: Sendable {
    /// Order of arrival, from 1.
    let seq: Int
    /// Real (monotonic) milliseconds since the emulator started, at arrival.
    let elapsedMs: Int64
    /// The virtual clock at arrival, Unix milliseconds.
    let virtualMs: Int64
    /// HTTP method.
    let method: String
    /// The path, without the query.
    let path: String
    /// The query string (empty when none).
    let query: String
    /// The rate family the request counted in.
    let family: RateFamily
    /// The HTTP status answered (0 when the connection was cut without an answer).
    var status: Int
    /// Whether the request carried an `Authorization` header.
    let authorization: Bool

    /// The entry as JSON.
    var json: JSONValue {
        [
            "seq": .int(Int64(seq)), "elapsedMs": .int(elapsedMs), "virtualMs": .int(virtualMs),
            "method": .string(method), "path": .string(path), "query": .string(query),
            "family": .string(family.rawValue), "status": .int(Int64(status)),
            "authorization": .bool(authorization),
        ]
    }
}
