internal import Crypto
internal import Foundation

/// The Easemob adapter (`source.format: easemob`): reads an Easemob export folder (SPEC §4) and
/// writes the canonical export the stages read, once per version of the export.
///
/// Design: conversion is a deterministic function of the export, done before any stage and
/// stamped with the export's fingerprint, so every later `plan` or `run` of the same export reuses
/// the same files (and the stages' own checkpoints stay valid). It is written into a temporary
/// folder and swapped in by renames, so a kill at any instant leaves either the old conversion
/// or the new one. Where each converted line came from is kept (``SourceOrigins``), and so are
/// the adapter's own findings (skipped and damaged lines), which are recorded with the stages'.
struct EasemobExport {
    /// Changes whenever the conversion's output could change, to force a new conversion.
    static let version = "easemob-adapter-4"

    let root: String
    let output: String

    func prepare() async throws -> PreparedSource {
        let fm = FileManager.default
        let temporary = output + ".tmp"
        let previous = output + ".old"
        if !fm.fileExists(atPath: output) && fm.fileExists(atPath: previous) {
            try fm.moveItem(atPath: previous, toPath: output)
        }
        try? fm.removeItem(atPath: temporary)
        try? fm.removeItem(atPath: previous)
        let stamp = fingerprint()
        let stampPath = output + "/stamp"
        if (try? String(contentsOfFile: stampPath, encoding: .utf8)) != stamp {
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            try await convert(into: temporary)
            try stamp.write(toFile: temporary + "/stamp", atomically: true, encoding: .utf8)
            if fm.fileExists(atPath: output) { try fm.moveItem(atPath: output, toPath: previous) }
            try fm.moveItem(atPath: temporary, toPath: output)
            try? fm.removeItem(atPath: previous)
        }
        return try load(stamp: stamp)
    }

    /// Size, modification time and name of every file of the export (attachments in `files/`
    /// only by name: their bytes do not change the conversion).
    func fingerprint() -> String {
        var entries: [String] = [Self.version]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            // A pull's staging folder and partial downloads (`.pull/`, `.NAME.download`) are not the export.
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + relative)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            if relative.hasPrefix("files/") {
                entries.append(relative)
                continue
            }
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            entries.append("\(relative):\(size):\(Int64(modified * 1000))")
        }
        let digest = SHA256.hash(data: Data(entries.sorted().joined(separator: "\n").utf8))
        return CheckSum.hex(digest)
    }

    /// Writes the canonical files, `origins.json`, `aliases.json`, `account.json` (per original
    /// file: entries read, converted, folded into another line, reported) and `problems.jsonl`.
    private func convert(into directory: String) async throws {
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
        try JSONFile.write(origins.origins, to: directory + "/origins.json")
        try JSONFile.write(aliases, to: directory + "/aliases.json")
        try JSONFile.write(book.files, to: directory + "/account.json")
    }

    /// The converted export as the stages see it.
    private func load(stamp: String) throws -> PreparedSource {
        let decoder = JSONDecoder()
        let origins = try decoder.decode(
            SourceOrigins.self, from: Data(contentsOf: URL(fileURLWithPath: output + "/origins.json")))
        let aliases = try decoder.decode(
            [String: String].self, from: Data(contentsOf: URL(fileURLWithPath: output + "/aliases.json")))
        let account = try decoder.decode(
            [String: ElementAccount].self, from: Data(contentsOf: URL(fileURLWithPath: output + "/account.json")))
        return PreparedSource(
            export: ExportFolder(root: output, attachmentRoot: root, messageAliases: aliases), origins: origins,
            problemLog: output + "/problems.jsonl", account: account, stamp: stamp)
    }
}
