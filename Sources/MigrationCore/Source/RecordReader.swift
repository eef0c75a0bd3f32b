internal import Foundation

/// Reads the fields of one JSON line of an export, collecting the problems it finds with the
/// line's file and number: strings that come as numbers, fields over NIM's length limits.
struct RecordReader {
    let object: [String: JSONValue]
    let stage: StageID
    let file: String
    let line: Int
    var problems: [Problem] = []

    /// Parses the line; a line that is not a JSON object becomes one problem.
    static func parse(_ bytes: Data?, stage: StageID, file: String, line: Int) -> Result<RecordReader, Problem> {
        guard let bytes else {
            return .failure(
                Problem(
                    stage: stage, file: file, line: line, code: "line-too-long", message: "line is longer than 1 MiB"))
        }
        guard let json = try? JSONValue.parse(bytes), case .object(let object) = json else {
            let snippet = String(decoding: bytes.prefix(60), as: UTF8.self)
            return .failure(
                Problem(
                    stage: stage, file: file, line: line, code: "invalid-json", message: "not a JSON object: \(snippet)"
                ))
        }
        return .success(RecordReader(object: object, stage: stage, file: file, line: line))
    }

    mutating func problem(_ code: String, _ message: String, _ severity: Problem.Severity = .error) {
        problems.append(Problem(stage: stage, file: file, line: line, code: code, message: message, severity: severity))
    }

    /// A required identifier (string, or a number written as one).
    mutating func requiredID(_ key: String) -> String? {
        guard let value = object[key], let text = value.string, !text.isEmpty else {
            problem("missing-field", "\(key) is missing or empty")
            return nil
        }
        return text
    }

    /// An optional text field; numbers are taken as text; JSON objects as their JSON text (for `ex`);
    /// over `limit` characters it is cut, with a warning.
    mutating func text(_ key: String, limit: Int) -> String? {
        guard let value = object[key] else { return nil }
        var text: String
        switch value {
        case .null: return nil
        case .string(let s): text = s
        case .int, .double, .bool: text = value.text
        case .object, .array: text = value.text
        }
        if text.count > limit {
            problem("field-too-long", "\(key) has \(text.count) characters; NIM allows \(limit): cut", .warning)
            text = String(text.prefix(limit))
        }
        return text
    }

    /// An optional integer from an allowed set; anything else is dropped with a warning.
    mutating func int(_ key: String, allowed: ClosedRange<Int64>) -> Int? {
        guard let value = object[key], value != .null else { return nil }
        guard let int = value.int, allowed.contains(int) else {
            problem(
                "invalid-field", "\(key) \(value.text) is not in \(allowed.lowerBound)…\(allowed.upperBound): left out",
                .warning)
            return nil
        }
        return Int(int)
    }

    /// An optional list of identifiers.
    mutating func idList(_ key: String) -> [String] {
        guard let value = object[key], value != .null else { return [] }
        guard case .array(let items) = value else {
            problem("invalid-field", "\(key) is not a list: left out", .warning)
            return []
        }
        return items.compactMap(\.string)
    }
}
