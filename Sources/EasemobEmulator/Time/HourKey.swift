import Foundation

/// An hour of history as Easemob names it: `yyyyMMddHH` in the cluster's zone (Beijing time on
/// China clusters, UTC overseas), and the instant it starts.
struct HourKey: Sendable, Hashable, Comparable {
    /// The ten digits, e.g. `2017060517`.
    let text: String
    /// The hour's start, Unix milliseconds.
    let startMs: Int64

    /// The hour named `text` in the zone `offsetSeconds` east of UTC; `nil` unless `text` is ten
    /// digits naming a real date and an hour 00–23.
    init?(_ text: String, offsetSeconds: Int) {
        guard text.count == 10, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = Array(text)
        func number(_ range: Range<Int>) -> Int { Int(String(digits[range])) ?? -1 }
        let (year, month, day, hour) = (number(0..<4), number(4..<6), number(6..<8), number(8..<10))
        guard (1...12).contains(month), (0...23).contains(hour), day >= 1,
            day <= Self.daysIn(month: month, year: year)
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.text = text
        self.startMs = (days * 86_400 + Int64(hour) * 3600 - Int64(offsetSeconds)) * 1000
    }

    /// The hour's end (the next hour's start), Unix milliseconds.
    var endMs: Int64 { startMs + 3_600_000 }

    static func < (lhs: HourKey, rhs: HourKey) -> Bool { lhs.startMs < rhs.startMs }

    /// Seconds east of UTC of a zone written "+08:00", "+0800", "+8", "-05:30", "UTC" or "Z".
    static func offsetSeconds(of zone: String) -> Int? {
        let text = zone.trimmingCharacters(in: .whitespaces)
        if ["utc", "z", "gmt", "+0", "-0"].contains(text.lowercased()) { return 0 }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let rest = text.dropFirst()
        var hours: Int?
        var minutes = 0
        if let colon = rest.firstIndex(of: ":") {
            hours = Int(rest[..<colon])
            guard let value = Int(rest[rest.index(after: colon)...]) else { return nil }
            minutes = value
        } else if rest.count == 4 {
            hours = Int(rest.prefix(2))
            minutes = Int(rest.suffix(2)) ?? -1
        } else {
            hours = Int(rest)
        }
        guard let hours, (0...14).contains(hours), (0..<60).contains(minutes) else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
