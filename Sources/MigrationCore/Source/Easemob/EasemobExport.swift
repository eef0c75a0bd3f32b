internal import Foundation

/// The Easemob export's conversion (`source.format: easemob`, run once per version of the export
/// by ``ConvertOnce``): reads an Easemob export folder (SPEC §4) and writes the canonical export
/// the stages read, with where each line came from and the adapter's own findings (skipped and
/// damaged lines) in `problems.jsonl`.
struct EasemobExport {
    let root: String

    /// Writes the canonical files and `problems.jsonl`; returns the origins, the message file
    /// aliases and the account (per original file: entries read, converted, folded into another
    /// line, reported).
    func convert(into directory: String) async throws -> ConvertedExport {
        var origins = SourceOriginsBuilder()
        var book = AccountBook()
        let log = try ProblemLog(path: directory + "/problems.jsonl")
        func has(_ folder: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + folder) }
        if has("users") || has("user-attributes") {
            let writer = try CanonicalFileWriter(directory: directory, name: UsersStage.file)
            try log.append(
                contentsOf: try EasemobUsers(root: root).convert(into: writer, origins: &origins, book: &book))
            try writer.close()
        }
        let relations = EasemobRelations(root: root)
        if has("contacts") {
            let writer = try CanonicalFileWriter(directory: directory, name: RelationsStage.friendsFile)
            try log.append(contentsOf: try relations.convertContacts(into: writer, origins: &origins, book: &book))
            try writer.close()
        }
        if has("blocks") {
            let writer = try CanonicalFileWriter(directory: directory, name: RelationsStage.blocksFile)
            try log.append(contentsOf: try relations.convertBlocks(into: writer, origins: &origins, book: &book))
            try writer.close()
        }
        if has("chatgroups") {
            let writer = try CanonicalFileWriter(directory: directory, name: GroupsStage.file)
            try log.append(
                contentsOf: try EasemobGroups(root: root).convert(into: writer, origins: &origins, book: &book))
            try writer.close()
        }
        let localFiles = Set((try? FileManager.default.contentsOfDirectory(atPath: root + "/files")) ?? [])
        let messages = EasemobMessages(root: root)
        let files = messages.files()
        var aliases: [String: String] = [:]
        for file in files { aliases[file] = file + ".jsonl" }
        // The hourly files are independent: converted one per core, each with its own problem log,
        // then the logs are appended in file order (the result does not depend on the scheduling).
        var results: [Int: (book: AccountBook, log: String)] = [:]
        try await withThrowingTaskGroup(of: (Int, AccountBook, String).self) { group in
            var next = 0
            func start() {
                guard next < files.count else { return }
                let (index, file) = (next, files[next])
                next += 1
                group.addTask {
                    let writer = try CanonicalFileWriter(directory: directory, name: file + ".jsonl")
                    let logPath = directory + "/problems-\(index).jsonl"
                    let fileLog = try ProblemLog(path: logPath)
                    var fileBook = AccountBook()
                    try await messages.convert(
                        file, into: writer, localFiles: localFiles, log: fileLog, book: &fileBook)
                    try writer.close()
                    try fileLog.close()
                    return (index, fileBook, logPath)
                }
            }
            for _ in 0..<max(1, ProcessInfo.processInfo.activeProcessorCount) { start() }
            while let (index, fileBook, logPath) = try await group.next() {
                results[index] = (fileBook, logPath)
                start()
            }
        }
        for index in files.indices {
            guard let result = results[index] else { continue }
            book.add(result.book)
            try log.append(contentsOfFile: result.log)
            try FileManager.default.removeItem(atPath: result.log)
        }
        try log.close()
        return ConvertedExport(origins: origins.origins, messageAliases: aliases, account: book.files)
    }
}
