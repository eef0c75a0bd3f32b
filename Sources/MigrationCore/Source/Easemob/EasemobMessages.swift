internal import Foundation

/// The hourly `chatmessages` files (gzip or plain, one JSON message per line) → canonical message
/// files, line for line: a skipped or rejected line becomes a blank line, so line N of the
/// converted file is line N of the original and the history stage's reports name the original.
struct EasemobMessages {
    let root: String
    static let folder = "chatmessages"

    /// The message files of the export (relative to the root), in name (= hour) order.
    func files() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + Self.folder)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { Self.folder + "/" + $0 }
    }

    /// Converts one file into `writer`, its problems into `log`, and counts its lines in `book`.
    func convert(
        _ file: String, into writer: CanonicalFileWriter, localFiles: Set<String>, log: ProblemLog,
        book: inout AccountBook
    ) async throws {
        let path = root + "/" + file
        let message = EasemobMessage(localFiles: localFiles)
        var account = ElementAccount()
        @inline(__always) func problem(
            _ line: Int, _ code: String, _ reason: String, _ severity: Problem.Severity = .error
        ) throws {
            try log.append(
                Problem(stage: .history, file: file, line: line, code: code, message: reason, severity: severity))
        }
        do {
            // A loop, not a closure: the counts stay in local variables (no run-time exclusivity checks).
            var lines = try LineReader(path: path, gzip: GzipChunks.isGzip(path)).open()
            while let (number, bytes) = try lines.next() {
                account.read += 1
                guard let bytes else {
                    try problem(number, "line-too-long", "line is longer than 1 MiB")
                    account.reported += 1
                    continue
                }
                switch message.convert(bytes) {
                case .line(let text, let warnings):
                    try writer.pad(toLine: number)
                    try writer.write(text)
                    for warning in warnings { try problem(number, "easemob-body", warning, .warning) }
                    account.passed += 1
                case .skipped(let code, let reason):
                    try problem(number, code, reason, .warning)
                    account.reported += 1
                case .rejected(let code, let reason):
                    try problem(number, code, reason)
                    account.reported += 1
                }
            }
        } catch SourceError.damaged(_, let line, let reason) {
            try problem(line, "damaged-file", "\(reason): the rest of the file is lost")
        } catch SourceError.unreadable {
            try problem(0, "unreadable", "cannot read the file")
        }
        book.read(file, account.read)
        book.passed(file, account.passed)
        book.reported(file, account.reported)
    }
}
