internal import Foundation

extension StageContext {
    /// Streams one line file of the export as records, the way every reading stage accounts for
    /// its lines (SPEC §9): each line is counted read; one that is not a JSON object is reported;
    /// each other is handed to `body`, counted passed when it gives work items, else reported when
    /// it raised a problem. Items and problems go out in batches (`batch`), in line order: batches of
    /// 20,000 rather than 5,000 write each index page a quarter as often (issue 27).
    func readRecords(
        _ file: String, in export: ExportFolder, stage: StageID, batch: Int = 20_000, _ book: inout AccountBook,
        _ emit: ([NewWorkItem]) async throws -> Void,
        _ body: (inout RecordReader) async throws -> [NewWorkItem]
    ) async throws {
        var items: [NewWorkItem] = []
        var problems: [Problem] = []
        try await LineReader(path: export.path(file)).forEachLine { line, bytes in
            let origin = origins.locate(file, line).file
            book.read(origin)
            switch RecordReader.parse(bytes, stage: stage, file: file, line: line) {
            case .failure(let problem):
                problems.append(problem)
                book.reported(origin)
            case .success(var reader):
                let lineItems = try await body(&reader)
                items.append(contentsOf: lineItems)
                problems.append(contentsOf: reader.problems)
                if !lineItems.isEmpty {
                    book.passed(origin)
                } else if !reader.problems.isEmpty {
                    book.reported(origin)
                }
            }
            if items.count >= batch || problems.count >= batch {
                try await emit(items)
                try await report(problems)
                items.removeAll(keepingCapacity: true)
                problems.removeAll(keepingCapacity: true)
            }
        }
        try await emit(items)
        try await report(problems)
    }
}
