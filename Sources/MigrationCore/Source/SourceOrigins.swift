internal import Foundation

/// Where each line of an adapter-written canonical file came from, so that problems and failed
/// items found by the stages name the file and line the operator actually has
/// (`users/page-0002.json:41`) instead of the converted `users.jsonl:137`.
///
/// Stored beside the converted files as `origins.json`: the original file names, and per
/// converted file a flat list of (file index, line) pairs, one pair per converted line.
public struct SourceOrigins: Sendable, Equatable, Codable {
    var files: [String] = []
    var lines: [String: [Int32]] = [:]

    /// No translation (a canonical export).
    public static let identity = SourceOrigins()

    /// Whether lines of `file` are translated (it was written by an adapter).
    public func translates(_ file: String) -> Bool { lines[file] != nil }

    /// The name under which the origins of a converted file's avatar or icon values are kept (an
    /// Easemob avatar comes from a user-attribute file, not from the users page).
    public static func iconFile(_ file: String) -> String { file + "#icon" }

    /// The original location of `line` of the converted `file` (itself when unknown; the line
    /// itself for an icon origin that was not kept).
    public func locate(_ file: String, _ line: Int) -> (file: String, line: Int) {
        if file.hasSuffix("#icon"), lines[file] == nil { return locate(String(file.dropLast("#icon".count)), line) }
        guard let pairs = lines[file], line >= 1, 2 * line <= pairs.count else { return (file, line) }
        let index = Int(pairs[2 * line - 2])
        guard files.indices.contains(index) else { return (file, line) }
        return (files[index], Int(pairs[2 * line - 1]))
    }

    /// `text` with each `name.jsonl:N` of a converted file replaced by its origin.
    public func rewrite(_ text: String) -> String {
        guard !lines.isEmpty, text.contains(".jsonl:") else { return text }
        var out = text
        for name in lines.keys where out.contains(name + ":") {
            var result = ""
            var rest = Substring(out)
            while let range = rest.range(of: name + ":") {
                result += rest[..<range.lowerBound]
                let digits = rest[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
                if let line = Int(digits) {
                    let origin = locate(name, line)
                    result += "\(origin.file):\(origin.line)"
                } else {
                    result += rest[range]
                }
                rest = rest[range.upperBound...].dropFirst(digits.count)
            }
            out = result + rest
        }
        return out
    }

    /// The problem with its location and text translated.
    public func apply(_ problem: Problem) -> Problem {
        guard !lines.isEmpty || problem.file.hasSuffix("#icon") else { return problem }
        var problem = problem
        (problem.file, problem.line) = locate(problem.file, problem.line)
        problem.message = rewrite(problem.message)
        return problem
    }

    /// The work item with its source location translated.
    public func apply(_ item: NewWorkItem) -> NewWorkItem {
        guard let file = item.sourceFile, let line = item.sourceLine, !lines.isEmpty || file.hasSuffix("#icon")
        else { return item }
        var item = item
        let origin = locate(file, line)
        item.sourceFile = origin.file
        item.sourceLine = origin.line
        return item
    }
}

/// Builds ``SourceOrigins`` while an adapter writes converted files.
struct SourceOriginsBuilder {
    private(set) var origins = SourceOrigins()
    private var fileIndex: [String: Int32] = [:]

    /// Notes that the next line of `converted` comes from `file`:`line`.
    mutating func add(_ converted: String, from file: String, line: Int) {
        let index: Int32
        if let known = fileIndex[file] {
            index = known
        } else {
            index = Int32(origins.files.count)
            fileIndex[file] = index
            origins.files.append(file)
        }
        origins.lines[converted, default: []].append(contentsOf: [index, Int32(clamping: line)])
    }
}
