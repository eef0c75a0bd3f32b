internal import Foundation

extension HistoryStage {
    /// Reads `file` from the cursor to its end (or a stop request), chunk by chunk. A dry run only
    /// validates and counts (`output` writes nothing). Returns whether the file was finished.
    @discardableResult
    func pass(
        _ file: String, from cursor: inout Cursor, context: StageContext, output: HistoryOutput,
        cache: ReferenceCache = ReferenceCache()
    ) throws -> Bool {
        let path = services.export.path(file)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? handle.close() }
        try handle.seek(toOffset: cursor.offset)
        var buffer = Data()
        var chunk: [(line: Int, bytes: Data)] = []
        var offset = cursor.offset
        var line = cursor.line
        var ended = false
        while !ended {
            let read = try handle.read(upToCount: 1 << 20) ?? Data()
            if read.isEmpty {
                ended = true
                if !buffer.isEmpty {
                    line += 1
                    if line == 1, buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer = buffer.dropFirst(3) }
                    chunk.append((line, buffer))
                    offset += UInt64(buffer.count)
                    buffer = Data()
                }
            } else {
                buffer.append(read)
                var start = buffer.startIndex
                while let newline = Self.newline(in: buffer, from: start) {
                    line += 1
                    var bytes = buffer[start..<newline]
                    if bytes.last == 0x0D { bytes = bytes.dropLast() }
                    if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
                    chunk.append((line, Data(bytes)))
                    offset += UInt64(newline - start + 1)
                    start = buffer.index(after: newline)
                    if chunk.count >= Self.chunkLines {
                        try commit(
                            chunk, file: file, offset: offset, line: line, cursor: &cursor, context, output, cache)
                        chunk.removeAll(keepingCapacity: true)
                        if context.stop.isRequested { return false }
                    }
                }
                buffer = Data(buffer[start...])
            }
        }
        try commit(chunk, file: file, offset: offset, line: line, cursor: &cursor, context, output, cache)
        return true
    }

    /// The index of the next `\n` in `buffer` from `start` (memchr: the scan is hot).
    static func newline(in buffer: Data, from start: Data.Index) -> Data.Index? {
        buffer.withUnsafeBytes { raw -> Data.Index? in
            guard let base = raw.baseAddress, start < buffer.endIndex else { return nil }
            let offset = start - buffer.startIndex
            guard let hit = memchr(base + offset, 0x0A, raw.count - offset) else { return nil }
            return buffer.startIndex + (base.distance(to: UnsafeRawPointer(hit)))
        }
    }

    /// Normalises a chunk, appends its lines, and commits keys, problems and cursor together.
    private func commit(
        _ chunk: [(line: Int, bytes: Data)], file: String, offset: UInt64, line: Int, cursor: inout Cursor,
        _ context: StageContext, _ output: HistoryOutput, _ cache: ReferenceCache
    ) throws {
        let dryRun = output.directory == nil
        let stage = id
        let encoder = JSONEncoder()
        try context.database.historyChunk(plan: dryRun) { tx in
            let normalizer = HistoryNormalizer(
                mapping: .init(
                    user: { ref in cache.user(ref) { (try? tx.resolveUser(ref)) ?? .unknown } },
                    team: { gid in
                        cache.team(gid) {
                            dryRun ? (try? tx.plannedTeam(gid)) ?? nil : (try? tx.newID(.team, old: gid)) ?? nil
                        }
                    },
                    file: { url in cache.file(url) { (try? tx.hostedFile(url)) ?? nil } }))
            for (number, bytes) in chunk {
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let location = "\(file):\(number)"
                guard bytes.count <= 1 << 20 else {
                    try tx.record(
                        Problem(
                            stage: stage, file: file, line: number, code: "line-too-long",
                            message: "line is longer than 1 MiB"))
                    continue
                }
                switch normalizer.normalize(bytes) {
                case .rejected(let code, let reason):
                    try tx.record(Problem(stage: stage, file: file, line: number, code: code, message: reason))
                case .message(let message, let warnings, _):
                    let text = message.line
                    let hash = HistoryNormalizer.stableID(text)
                    switch try tx.insertKey(message.key, location: location, hash: hash) {
                    case .new:
                        try output.append(text, kind: message.isTeam ? "team" : "p2p")
                        if !dryRun, let old = message.sourceMsgid {
                            try tx.map(IDMapping(kind: .message, old: old, new: String(message.msgid)))
                        }
                        for warning in warnings {
                            try tx.record(
                                Problem(
                                    stage: stage, file: file, line: number, code: "normalized", message: warning,
                                    severity: .warning))
                        }
                    case .seen(let first, let firstHash) where firstHash == hash:
                        try tx.record(
                            Problem(
                                stage: stage, file: file, line: number, code: "duplicate-message",
                                message: "the same message as \(first): dropped", severity: .warning))
                    case .seen(let first, _):
                        try tx.record(
                            Problem(
                                stage: stage, file: file, line: number, code: "conflicting-message",
                                message:
                                    "shares msgid, from, to/tid and createTime with \(first) but differs; the first is kept"
                            ))
                    }
                }
            }
            try output.flush()
            Failpoint.hit("history.before-commit")
            cursor.file = file
            cursor.offset = offset
            cursor.line = line
            cursor.output = output.state
            if !dryRun {
                try tx.setCheckpoint(stage, "cursor", String(decoding: try encoder.encode(cursor), as: UTF8.self))
            }
        }
        Failpoint.hit("history.after-chunk")
    }
}
