internal import Foundation

/// One saved Easemob REST response: the elements of its data array, each with its line, and the
/// problems of the file (unreadable, not JSON, cut short, an element that does not parse).
struct EasemobDocument {
    /// One element of the array, parsed.
    struct Element {
        var value: JSONValue
        var line: Int
    }

    var elements: [Element] = []
    var problems: [Problem] = []
    /// Whether one of the paths was found.
    var found = false
    /// The paging cursor the response still carries (top-level `cursor` or `data.cursor`), when
    /// it is a non-empty text: Easemob gives one only when more pages follow.
    var cursor: String?
    /// Elements that are not valid JSON (each reported, and left out).
    var unparsed = 0

    /// Reads `root/name` and takes the array at the first of `paths` that exists.
    init(root: String, name: String, paths: [[String]], stage: StageID) {
        guard let data = Self.read(root + "/" + name) else {
            problems.append(Problem(stage: stage, file: name, line: 0, code: "unreadable", message: "cannot read"))
            return
        }
        var scan = JSONElements(data, path: [])
        for path in paths {
            scan = JSONElements(data, path: path)
            if scan.found || scan.damage != nil { break }
        }
        found = scan.found
        let described = paths.map { $0.joined(separator: ".") }.joined(separator: " or ")
        if !scan.found && scan.damage == nil {
            problems.append(
                Problem(
                    stage: stage, file: name, line: 1, code: "invalid-json",
                    message: "not an Easemob response with a \(described) array: file left out"))
        }
        for element in scan.elements {
            do {
                elements.append(Element(value: try JSONValue.parse(element.bytes), line: element.line))
            } catch {
                unparsed += 1
                let offset = (error as? JSONParseError)?.offset ?? 0
                let line = element.line + element.bytes.prefix(offset).count { $0 == 0x0A }
                problems.append(
                    Problem(
                        stage: stage, file: name, line: line, code: "invalid-json",
                        message: "an element of \(described) (from line \(element.line)) is not valid JSON "
                            + "(\((error as? JSONParseError)?.reason ?? "unreadable")): left out"))
            }
        }
        if scan.damage == nil, let whole = try? JSONValue.parse(data) {
            for candidate in [whole["cursor"], whole["data"]?["cursor"]] {
                if case .string(let text)? = candidate, !text.isEmpty { cursor = text }
            }
        }
        if let damage = scan.damage {
            problems.append(
                Problem(
                    stage: stage, file: name, line: damage.line, code: "truncated-file",
                    message: "\(damage.reason): \(scan.elements.count) complete entries before this line are kept, "
                        + "the rest of the file is lost"))
        }
    }

    /// Hands the document's own findings on: its problems, its entries counted in `book` (those
    /// that are not JSON as reported), and — when `incomplete` names what later pages would
    /// hold — a cursor left on it.
    func account(
        _ name: String, stage: StageID, incomplete what: String?, problems: inout [Problem], book: inout AccountBook
    ) {
        problems += self.problems
        book.read(name, elements.count + unparsed)
        book.reported(name, unparsed)
        if let what, let incomplete = incompleteExport(name, stage: stage, what: what) { problems.append(incomplete) }
    }

    /// The problem of a saved page that still carries a cursor although no later page was saved:
    /// the export stopped paging early, and what the next pages hold is missing.
    private func incompleteExport(_ name: String, stage: StageID, what: String) -> Problem? {
        guard let cursor else { return nil }
        return Problem(
            stage: stage, file: name, line: 1, code: "incomplete-export",
            message: "the last saved page still carries a cursor (\(cursor.prefix(40))): the export may be "
                + "incomplete — \(what) on later pages are not in it. Fetch the next page with this cursor: if it "
                + "is empty, nothing is missing (Easemob's docs show a cursor on a last page too)", severity: .warning)
    }

    /// A saved response's bytes, without the UTF-8 byte-order mark some tools write first.
    static func read(_ path: String) -> Data? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
    }

    /// The `.json` files of `root/folder`, by name (relative to `root`), in name order.
    static func files(in root: String, folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }
    }

    /// Reports an element of `file` left out of the conversion (at its line) and counts it reported.
    static func leaveOut(
        _ element: Element, of file: String, stage: StageID, code: String, _ message: String,
        problems: inout [Problem], book: inout AccountBook
    ) {
        problems.append(Problem(stage: stage, file: file, line: element.line, code: code, message: message))
        book.reported(file)
    }
}
