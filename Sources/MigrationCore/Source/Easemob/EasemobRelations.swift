internal import Foundation

/// Easemob contacts and blocks → `friends.jsonl` and `blocklist.jsonl`. The owner is the file's
/// name (`contacts/<username>.json`). A contact listed by either side is a mutual friendship
/// (SPEC §9); the relations stage makes one `friend/add` per pair. Both list shapes are read:
/// `{"data":["u2"]}` and the paged `{"data":{"contacts":[{"username","remark"}]}}` (remark → alias).
struct EasemobRelations {
    let root: String

    func convertContacts(
        into writer: CanonicalFileWriter, origins: inout SourceOriginsBuilder, book: inout AccountBook
    ) throws -> [Problem] {
        try convert(folder: "contacts", into: writer, origins: &origins, book: &book) { owner, element in
            var line: [String: JSONValue] = ["accid": .string(owner)]
            switch element {
            case .string(let friend): line["faccid"] = .string(friend)
            case .object(let object):
                guard let friend = object["username"]?.string else { return nil }
                line["faccid"] = .string(friend)
                if let remark = object["remark"]?.string, !remark.isEmpty { line["alias"] = .string(remark) }
            default: return nil
            }
            return line
        }
    }

    func convertBlocks(
        into writer: CanonicalFileWriter, origins: inout SourceOriginsBuilder, book: inout AccountBook
    ) throws -> [Problem] {
        try convert(folder: "blocks", into: writer, origins: &origins, book: &book) { owner, element in
            guard let target = element.string ?? element["username"]?.string else { return nil }
            return ["accid": .string(owner), "targetAcc": .string(target), "relationType": .int(1)]
        }
    }

    private func convert(
        folder: String, into writer: CanonicalFileWriter, origins: inout SourceOriginsBuilder,
        book: inout AccountBook, _ line: (String, JSONValue) -> [String: JSONValue]?
    ) throws -> [Problem] {
        var problems: [Problem] = []
        for file in EasemobDocument.files(in: root, folder: folder) {
            let owner = String(file.dropFirst(folder.count + 1).dropLast(".json".count))
            let document = EasemobDocument(
                root: root, name: file, paths: [["data", "contacts"], ["data"]], stage: .relations)
            // One file per owner: a cursor means the owner's later pages were never saved.
            document.account(
                file, stage: .relations, incomplete: "\(folder) of \(owner)", problems: &problems, book: &book)
            for element in document.elements {
                guard let converted = line(owner, element.value) else {
                    EasemobDocument.leaveOut(
                        element, of: file, stage: .relations, code: "invalid-field",
                        "\(element.value.text) names no user: left out", problems: &problems,
                        book: &book)
                    continue
                }
                try writer.write(JSONValue.object(converted).text)
                origins.add(writer.name, from: file, line: element.line)
                book.passed(file)
            }
        }
        return problems
    }
}
