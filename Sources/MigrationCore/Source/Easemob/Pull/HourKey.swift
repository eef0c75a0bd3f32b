/// One hour of Easemob's history, as its API names it: `yyyyMMddHH` in the cluster's time zone
/// (Beijing time on China clusters). Converted to and from instants with plain civil-date
/// arithmetic (no calendar object, no locale).
struct HourKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// `yyyyMMddHH`.
    let text: String

    /// A valid hour key, or nil (wrong length, a month 13, a 30 February, an hour 24).
    init?(_ text: String) {
        guard text.count == 10, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else { return nil }
        let digits = Array(text).map { Int(String($0)) ?? 0 }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
        let (year, month, day, hour) = (number(0..<4), number(4..<6), number(6..<8), number(8..<10))
        guard year >= 1970, (1...12).contains(month), (0...23).contains(hour),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.text = text
    }

    /// The hour that holds `ms` (milliseconds since 1970 UTC) in the zone `offset` seconds east.
    init(containing ms: Int64, offset: Int) {
        let local = ms / 1000 + Int64(offset)
        let days = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        let hour = Int((local - Int64(days) * 86_400) / 3600)
        let (year, month, day) = Self.civil(days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        text = pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(hour, 2)
    }

    var description: String { text }

    static func < (lhs: HourKey, rhs: HourKey) -> Bool { lhs.text < rhs.text }

    /// The hour's first millisecond, UTC, in the zone `offset` seconds east.
    func startMs(offset: Int) -> Int64 {
        let digits = Array(text).map { Int(String($0)) ?? 0 }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
        let days = Self.days(year: number(0..<4), month: number(4..<6), day: number(6..<8))
        return (Int64(days) * 86_400 + Int64(number(8..<10)) * 3600 - Int64(offset)) * 1000
    }

    /// The hour after this one.
    func next(offset: Int) -> HourKey {
        HourKey(containing: startMs(offset: offset) + 3_600_000, offset: offset)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
    private static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day since 1970-01-01.
    private static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
