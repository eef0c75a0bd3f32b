internal import EmulatorKit
import Foundation

/// One v2 (`/im/v2…`) call: the JSON body (for POST/PATCH) and the query parameters, with
/// NIM's validation rules as accessors.
///
/// Like ``V1Parameters``, every accessor throws a ``NIMFailure`` naming the field: 414 for a
/// missing, too long or malformed value (414 is also the v2 API's general "parameter error",
/// the 6-digit codes are for resource errors, see `NIMFailure+V2.swift`).
///
/// Scalars are read the way NIM's Java binding (fastjson) reads them: a string field also takes
/// a JSON integer (the official handle-friend page's own example sends `"alias": 1`), an integer
/// field also takes a decimal string. Anything else of the wrong type is a 414.
struct V2Request: Sendable {
    /// The parsed JSON body, `nil` when there is none.
    var body: JSONValue?
    /// Query-string parameters.
    var query: [String: String]

    init(body: JSONValue?, query: [String: String]) {
        self.body = body
        self.query = query
    }

    /// A body member, `nil` when absent or JSON `null`.
    func field(_ name: String) -> JSONValue? {
        guard let value = body?[name], value != .null else { return nil }
        return value
    }

    /// An optional body string of at most `max` characters; empty strings are kept.
    func optionalString(_ name: String, max: Int) throws -> String? {
        guard let value = field(name) else { return nil }
        let text: String
        if let string = value.stringValue {
            text = string
        } else if let number = value.intValue {
            text = String(number)
        } else {
            throw NIMFailure.invalid(name)
        }
        guard text.count <= max else { throw NIMFailure.tooLong(name, max: max) }
        return text
    }

    /// A required account id from the body: at most 32 of `[A-Za-z0-9_@.-]`, lower-cased.
    func accid(_ name: String) throws -> String {
        guard let text = try optionalString(name, max: .max), !text.isEmpty else { throw NIMFailure.missing(name) }
        return try V1Parameters.normalizedAccid(text, parameter: name)
    }

    /// A required integer from the body.
    func requiredInt(_ name: String) throws -> Int64 {
        guard let value = field(name) else { throw NIMFailure.missing(name) }
        if let number = value.intValue { return number }
        if let text = value.stringValue, let number = Int64(text) { return number }
        throw NIMFailure.invalid(name)
    }

    /// A required integer from the body, restricted to `allowed`.
    func requiredInt(_ name: String, in allowed: Set<Int64>) throws -> Int64 {
        let value = try requiredInt(name)
        guard allowed.contains(value) else { throw NIMFailure.invalid(name) }
        return value
    }

    /// An optional JSON boolean from the body.
    func optionalBool(_ name: String) throws -> Bool? {
        guard let value = field(name) else { return nil }
        guard let flag = value.boolValue else { throw NIMFailure.invalid(name) }
        return flag
    }

    /// A required, non-empty JSON array of strings from the body, at most `maxCount` long.
    func stringArray(_ name: String, maxCount: Int) throws -> [String] {
        guard let value = field(name) else { throw NIMFailure.missing(name) }
        guard let elements = value.arrayValue else { throw NIMFailure.invalid(name) }
        guard !elements.isEmpty else { throw NIMFailure.missing(name) }
        guard elements.count <= maxCount else {
            throw NIMFailure(code: 414, desc: "\(name) has more than \(maxCount) elements")
        }
        return try elements.map { element in
            guard let text = element.stringValue else { throw NIMFailure.invalid(name) }
            return text
        }
    }

    /// A required query integer restricted to `allowed`.
    func queryInt(_ name: String, in allowed: Set<Int64>) throws -> Int64 {
        guard let raw = query[name], !raw.isEmpty else { throw NIMFailure.missing(name) }
        guard let value = Int64(raw), allowed.contains(value) else { throw NIMFailure.invalid(name) }
        return value
    }
}
