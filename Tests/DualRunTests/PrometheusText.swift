import Foundation

/// A strict reader of Prometheus's text exposition format, version 0.0.4, written from the format's
/// description (prometheus.io/docs/instrumenting/exposition_formats, "Text format details") to
/// check what `/metrics` writes without trusting the library that wrote it:
///
/// - UTF-8, lines separated by `\n`, the last one ending with `\n` (a `\r` anywhere is refused);
///   empty lines are ignored; tokens are separated by blanks (spaces, tabs), leading and trailing
///   blanks ignored.
/// - `# HELP name docstring` (the docstring escapes `\\` and `\n`, no other escape) and
///   `# TYPE name counter|gauge|histogram|summary|untyped` (exactly two tokens); at most one of
///   each per name, both before the first sample of that name; other `#` lines are comments.
/// - Samples: `metric_name [ "{" label_name "=" "label_value" { "," … } [ "," ] "}" ] value
///   [ timestamp ]`, metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`
///   not starting with `__` (reserved), label values escaping `\\`, `\"` and `\n` (no other
///   escape), no label name twice; the value a float as Go's ParseFloat reads it in decimal
///   (`1`, `-2.5`, `1e-05`, `.5`) or `+Inf`, `-Inf`, `NaN` (any case); the timestamp an int64.
///   The names quoted inside the braces of the newest text format are not accepted (legacy
///   character set only: what version 0.0.4 allows). Hexadecimal floats are refused too.
/// - All lines of a family (its HELP, TYPE and samples; `_bucket`, `_sum`, `_count` belong to a
///   histogram or summary family of the base name) form one uninterrupted group; no series
///   (name and label set) appears twice. A counter's value is neither negative nor NaN.
struct PrometheusText {
    enum MetricType: String {
        case counter, gauge, histogram, summary, untyped
    }

    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
        var timestamp: Int64?
    }

    struct Family {
        var name: String
        var type: MetricType = .untyped
        var help: String?
        var samples: [Sample] = []
        /// Whether a TYPE line named the type (`untyped` may be said or implied).
        var typed = false
    }

    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    private(set) var families: [String: Family] = [:]

    /// The value of one series, if present.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        families.values.lazy.flatMap(\.samples).first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample of a family.
    func samples(_ family: String) -> [Sample] {
        families[family]?.samples ?? []
    }

    init(parsing data: Data) throws(Failure) {
        guard let text = String(data: data, encoding: .utf8) else { throw Failure(line: 0, reason: "not UTF-8") }
        try self.init(parsing: text)
    }

    init(parsing text: String) throws(Failure) {
        guard text.isEmpty || text.hasSuffix("\n") else {
            throw Failure(line: 0, reason: "the last line does not end with a line feed")
        }
        var reader = Reader()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        for (index, line) in lines.enumerated() {
            do {
                try reader.read(Array(line.unicodeScalars))
            } catch {
                throw Failure(line: index + 1, reason: error.reason)
            }
        }
        families = reader.families
    }

    private struct Problem: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The state of a parse: the families so far, the one whose group is open, the ones closed.
    private struct Reader {
        var families: [String: Family] = [:]
        var current: String?
        var closed: Set<String> = []
        var series: Set<String> = []

        mutating func read(_ line: [Unicode.Scalar]) throws(Problem) {
            if line.contains("\r") { throw Problem("carriage return (lines end with \\n only)") }
            var cursor = Cursor(line)
            cursor.skipBlanks()
            if cursor.atEnd { return }
            if cursor.peek == "#" {
                cursor.advance()
                try comment(&cursor)
            } else {
                try sample(&cursor)
            }
        }

        private mutating func comment(_ cursor: inout Cursor) throws(Problem) {
            cursor.skipBlanks()
            let keyword = cursor.token()
            guard keyword == "HELP" || keyword == "TYPE" else { return }  // a plain comment
            guard cursor.skipBlanks() else { throw Problem("\(keyword) without a metric name") }
            let name = cursor.token()
            guard Self.isMetricName(name) else { throw Problem("bad metric name '\(name)' in \(keyword)") }
            try enter(name)
            if keyword == "HELP" {
                cursor.skipBlanks()
                guard families[name]?.help == nil else { throw Problem("a second HELP for \(name)") }
                guard families[name]?.samples.isEmpty ?? true else {
                    throw Problem("HELP for \(name) after its samples")
                }
                families[name, default: Family(name: name)].help = try Self.unescape(cursor.rest, quotes: false)
                return
            }
            guard cursor.skipBlanks() else { throw Problem("TYPE \(name) without a type") }
            let word = cursor.token()
            guard let type = MetricType(rawValue: word) else { throw Problem("unknown type '\(word)'") }
            cursor.skipBlanks()
            guard cursor.atEnd else { throw Problem("TYPE \(name) has more than two tokens") }
            if let family = families[name] {
                guard !family.typed else { throw Problem("a second TYPE for \(name)") }
                guard family.samples.isEmpty else { throw Problem("TYPE for \(name) after its samples") }
            }
            families[name, default: Family(name: name)].type = type
            families[name]?.typed = true
        }

        private mutating func sample(_ cursor: inout Cursor) throws(Problem) {
            let name = cursor.name(allowColon: true)
            guard Self.isMetricName(name) else { throw Problem("bad metric name '\(name)'") }
            var separated = cursor.skipBlanks()
            var labels: [String: String] = [:]
            if cursor.peek == "{" {
                cursor.advance()
                labels = try Self.labels(&cursor)
                separated = cursor.skipBlanks()
            }
            guard !cursor.atEnd else { throw Problem("\(name) has no value") }
            guard separated else { throw Problem("no blank before the value of \(name)") }
            let valueText = cursor.token()
            guard let value = Self.float(valueText) else { throw Problem("bad value '\(valueText)'") }
            var timestamp: Int64?
            if cursor.skipBlanks(), !cursor.atEnd {
                let text = cursor.token()
                guard let stamp = Self.int64(text) else { throw Problem("bad timestamp '\(text)'") }
                timestamp = stamp
                cursor.skipBlanks()
                guard cursor.atEnd else { throw Problem("text after the timestamp") }
            }
            let family = familyName(of: name)
            try enter(family)
            if families[family]?.type == .counter, value.isNaN || value < 0 {
                throw Problem("counter \(name) at \(value)")
            }
            let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let key = name + "{" + pairs.joined(separator: "\u{0}") + "}"
            guard series.insert(key).inserted else { throw Problem("series \(name)\(labels) twice") }
            families[family, default: Family(name: family)].samples.append(
                Sample(name: name, labels: labels, value: value, timestamp: timestamp))
        }

        /// The family a sample name belongs to: its own, or the histogram/summary it is part of.
        private func familyName(of name: String) -> String {
            if families[name]?.typed == true { return name }
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                let base = String(name.dropLast(suffix.count))
                switch families[base]?.type {
                case .histogram?: return base
                case .summary? where suffix != "_bucket": return base
                default: continue
                }
            }
            return name
        }

        /// Opens the group of `family`, closing the open one; a closed group may not reopen.
        private mutating func enter(_ family: String) throws(Problem) {
            guard family != current else { return }
            if closed.contains(family) { throw Problem("the lines of \(family) are not one group") }
            if let current { closed.insert(current) }
            current = family
        }

        private static func labels(_ cursor: inout Cursor) throws(Problem) -> [String: String] {
            var labels: [String: String] = [:]
            while true {
                cursor.skipBlanks()
                if cursor.peek == "}" {
                    cursor.advance()
                    return labels
                }
                let name = cursor.name(allowColon: false)
                guard isLabelName(name) else { throw Problem("bad label name '\(name)'") }
                guard !name.hasPrefix("__") else { throw Problem("label name \(name) is reserved") }
                cursor.skipBlanks()
                guard cursor.peek == "=" else { throw Problem("label \(name) without '='") }
                cursor.advance()
                cursor.skipBlanks()
                guard cursor.peek == "\"" else { throw Problem("label \(name): value not quoted") }
                cursor.advance()
                var raw: [Unicode.Scalar] = []
                var closed = false
                while let scalar = cursor.peek {
                    cursor.advance()
                    if scalar == "\\" {
                        guard let next = cursor.peek else { break }
                        raw += [scalar, next]
                        cursor.advance()
                    } else if scalar == "\"" {
                        closed = true
                        break
                    } else {
                        raw.append(scalar)
                    }
                }
                guard closed else { throw Problem("label \(name): value not closed") }
                guard labels[name] == nil else { throw Problem("label \(name) twice") }
                labels[name] = try unescape(raw, quotes: true)
                cursor.skipBlanks()
                switch cursor.peek {
                case ","?: cursor.advance()
                case "}"?: continue
                default: throw Problem("expected ',' or '}' after label \(name)")
                }
            }
        }

        /// `\\` and `\n` (and `\"` in label values); any other escape is refused.
        private static func unescape(_ scalars: [Unicode.Scalar], quotes: Bool) throws(Problem) -> String {
            var out = String.UnicodeScalarView()
            var index = 0
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                guard scalar == "\\" else {
                    out.append(scalar)
                    continue
                }
                guard index < scalars.count else { throw Problem("a lone backslash at the end") }
                let next = scalars[index]
                index += 1
                switch next {
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "\"" where quotes: out.append("\"")
                default: throw Problem("unknown escape \\\(next)")
                }
            }
            return String(out)
        }

        static func isMetricName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first.isLetterOrUnderscore || first == ":" else {
                return false
            }
            return name.unicodeScalars.allSatisfy { $0.isLetterOrUnderscore || $0.isDigit || $0 == ":" }
        }

        static func isLabelName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first.isLetterOrUnderscore else { return false }
            return name.unicodeScalars.allSatisfy { $0.isLetterOrUnderscore || $0.isDigit }
        }

        /// Go's ParseFloat, decimal only: [+-] (digits [. digits] | . digits) [e [+-] digits], or
        /// [+-]Inf / [+-]Infinity / NaN in any case.
        static func float(_ text: String) -> Double? {
            var body = Substring(text)
            var negative = false
            if let sign = body.first, sign == "+" || sign == "-" {
                negative = sign == "-"
                body = body.dropFirst()
            }
            switch body.lowercased() {
            case "inf", "infinity": return negative ? -.infinity : .infinity
            case "nan": return text.first == "+" || text.first == "-" ? nil : .nan
            default: break
            }
            let scalars = Array(body.unicodeScalars)
            var index = 0
            func digits() -> Int {
                let start = index
                while index < scalars.count, scalars[index].isDigit { index += 1 }
                return index - start
            }
            var mantissa = digits()
            if index < scalars.count, scalars[index] == "." {
                index += 1
                mantissa += digits()
            }
            guard mantissa > 0 else { return nil }
            if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
                index += 1
                if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
                guard digits() > 0 else { return nil }
            }
            guard index == scalars.count else { return nil }
            return Double(text)
        }

        static func int64(_ text: String) -> Int64? {
            let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty, digits.unicodeScalars.allSatisfy(\.isDigit) else { return nil }
            return Int64(text)
        }
    }

    /// A position in one line.
    private struct Cursor {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }
        var rest: [Unicode.Scalar] { Array(scalars[index...]) }
        mutating func advance() { index += 1 }

        /// Skips spaces and tabs; returns whether there were any.
        @discardableResult
        mutating func skipBlanks() -> Bool {
            let start = index
            while let scalar = peek, scalar == " " || scalar == "\t" { index += 1 }
            return index > start
        }

        /// Everything up to the next blank.
        mutating func token() -> String {
            var out = String.UnicodeScalarView()
            while let scalar = peek, scalar != " " && scalar != "\t" {
                out.append(scalar)
                index += 1
            }
            return String(out)
        }

        /// The longest run of name characters (checked by the caller).
        mutating func name(allowColon: Bool) -> String {
            var out = String.UnicodeScalarView()
            while let scalar = peek, scalar.isLetterOrUnderscore || scalar.isDigit || (allowColon && scalar == ":") {
                out.append(scalar)
                index += 1
            }
            return String(out)
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isDigit: Bool { ("0"..."9").contains(self) }
    fileprivate var isLetterOrUnderscore: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_"
    }
}
