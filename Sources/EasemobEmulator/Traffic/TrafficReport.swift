internal import EmulatorKit

/// The traffic log as `GET /_emulator/traffic` answers it: every request, and per family the
/// calls, the 429s and the most arrivals seen in any one window of the family's length.
enum TrafficReport {
    /// `{"requests":[entry…],"families":{"user":{"calls","status429","maxInWindow","windowSeconds","limit"}…}}`.
    static func json(_ entries: [TrafficEntry], limits: [RateFamily: Int?]) -> JSONValue {
        var families: [String: JSONValue] = [:]
        for family in RateFamily.allCases {
            let calls = entries.filter { $0.family == family }
            guard !calls.isEmpty else { continue }
            let windowMs = Int64(family.windowSeconds) * 1000
            families[family.rawValue] = [
                "calls": .int(Int64(calls.count)),
                "status429": .int(Int64(calls.filter { $0.status == 429 }.count)),
                "maxInWindow": .int(Int64(maxInWindow(calls.map(\.elapsedMs), windowMs: windowMs))),
                "windowSeconds": .int(Int64(family.windowSeconds)),
                "limit": (limits[family] ?? nil).map { .int(Int64($0)) } ?? .null,
            ]
        }
        return ["requests": .array(entries.map(\.json)), "families": .object(families)]
    }

    /// The most instants of `times` (sorted or not) inside any half-open window of `windowMs`.
    static func maxInWindow(_ times: [Int64], windowMs: Int64) -> Int {
        let sorted = times.sorted()
        var best = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end] - sorted[start] >= windowMs { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }
}
