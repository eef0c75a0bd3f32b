internal import EmulatorKit
import Foundation

/// The parameters of one v1 (`*.action`) call, with NIM's validation rules as accessors.
///
/// Every accessor throws a ``NIMFailure`` (414 naming the parameter) on a missing, too long or
/// malformed value, so handlers read like the parameter tables of the reference.
struct V1Parameters: Sendable {
    /// Raw form fields (query string merged with the urlencoded or multipart body).
    var fields: [String: String]
    /// Binary parts of a multipart body, by name.
    var files: [String: Data] = [:]

    /// The raw value, `nil` when absent.
    subscript(name: String) -> String? { fields[name] }

    /// A required string of at most `max` characters (empty counts as missing).
    func required(_ name: String, max: Int) throws -> String {
        guard let value = fields[name], !value.isEmpty else { throw NIMFailure.missing(name) }
        guard value.count <= max else { throw NIMFailure.tooLong(name, max: max) }
        return value
    }

    /// An optional string of at most `max` characters; empty strings are kept.
    func optional(_ name: String, max: Int) throws -> String? {
        guard let value = fields[name] else { return nil }
        guard value.count <= max else { throw NIMFailure.tooLong(name, max: max) }
        return value
    }

    /// A required accid: at most 32 of `[A-Za-z0-9_@.-]`, returned lower-cased.
    func accid(_ name: String) throws -> String {
        let value = try required(name, max: 32)
        return try Self.normalizedAccid(value, parameter: name)
    }

    /// Validates and lower-cases an accid taken from any parameter (also JSON array elements).
    static func normalizedAccid(_ value: String, parameter: String) throws -> String {
        guard !value.isEmpty else { throw NIMFailure.missing(parameter) }
        guard value.count <= 32 else { throw NIMFailure.tooLong(parameter, max: 32) }
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "@", ".", "-": return true
            default: return false
            }
        }
        guard allowed else { throw NIMFailure.invalid(parameter) }
        return value.lowercased()
    }

    /// A required integer.
    func requiredInt(_ name: String) throws -> Int64 {
        guard let raw = fields[name], !raw.isEmpty else { throw NIMFailure.missing(name) }
        guard let value = Int64(raw.trimmingCharacters(in: .whitespaces)) else { throw NIMFailure.invalid(name) }
        return value
    }

    /// An optional integer; an unparsable value is a 414.
    func optionalInt(_ name: String) throws -> Int64? {
        guard let raw = fields[name], !raw.isEmpty else { return nil }
        guard let value = Int64(raw.trimmingCharacters(in: .whitespaces)) else { throw NIMFailure.invalid(name) }
        return value
    }

    /// An optional integer restricted to `allowed` values.
    func optionalInt(_ name: String, in allowed: Set<Int64>) throws -> Int64? {
        guard let value = try optionalInt(name) else { return nil }
        guard allowed.contains(value) else { throw NIMFailure.invalid(name) }
        return value
    }

    /// A required integer restricted to `allowed` values.
    func requiredInt(_ name: String, in allowed: Set<Int64>) throws -> Int64 {
        let value = try requiredInt(name)
        guard allowed.contains(value) else { throw NIMFailure.invalid(name) }
        return value
    }

    /// An optional boolean written `true`/`false` (or `1`/`0`).
    func optionalBool(_ name: String) throws -> Bool? {
        guard let raw = fields[name], !raw.isEmpty else { return nil }
        switch raw.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw NIMFailure.invalid(name)
        }
    }

    /// A required JSON array of strings (numbers are accepted and rendered as text).
    func stringArray(_ name: String, maxCount: Int) throws -> [String] {
        guard let raw = fields[name], !raw.isEmpty else { throw NIMFailure.missing(name) }
        guard let elements = JSONValue(json: raw)?.arrayValue else { throw NIMFailure.invalid(name) }
        let strings = try elements.map { element -> String in
            if let text = element.stringValue { return text }
            if let number = element.intValue { return String(number) }
            throw NIMFailure.invalid(name)
        }
        guard strings.count <= maxCount else {
            throw NIMFailure(code: 414, desc: "\(name) has more than \(maxCount) elements")
        }
        return strings
    }

    /// A required JSON array of accids, validated, lower-cased and de-duplicated (order kept).
    func accidArray(_ name: String, maxCount: Int) throws -> [String] {
        var seen = Set<String>()
        return try stringArray(name, maxCount: maxCount)
            .map { try Self.normalizedAccid($0, parameter: name) }
            .filter { seen.insert($0).inserted }
    }

    /// A required team id (NIM's tids are integers, sent as decimal text).
    func tid(_ name: String = "tid") throws -> Int64 {
        let value = try requiredInt(name)
        guard value > 0 else { throw NIMFailure.invalid(name) }
        return value
    }

    /// A team call's team and the account acting on it: `tid`, then `owner` (NIM names the acting
    /// account `owner` whether or not it owns the team).
    func teamAndActor() throws -> (tid: Int64, actor: String) {
        (try tid(), try accid("owner"))
    }
}
