internal import Foundation

extension HistoryStage {
    /// What one pass (a run, or a dry run's count) keeps from chunk to chunk.
    struct PassState {
        let output: HistoryOutput
        let cache = ReferenceCache()
        let keys: HistoryKeyStore
    }

    /// A line of the chunk being read: its number and where its bytes lie in the read buffer.
    struct LineSpan {
        var number: Int
        var start: Int
        var end: Int
    }

    /// Reads `file` (the message file of work item `item`) from the cursor to its end (or a stop
    /// request), chunk by chunk, its lines read in place in one buffer. A dry run only validates
    /// and counts (`output` writes nothing). Returns whether the file was finished.
    @discardableResult
    func pass(
        _ file: String, item: Int64, from cursor: inout Cursor, context: StageContext, state: PassState
    ) throws -> Bool {
        let path = services.export.path(file)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? handle.close() }
        try handle.seek(toOffset: cursor.offset)
        var buffer: [UInt8] = []
        var spans: [LineSpan] = []
        var base = cursor.offset  // the file offset of buffer[0]
        var start = 0  // where the next line starts in buffer
        var line = cursor.line
        let file = (name: file, item: item)
        while true {
            var scanFrom = buffer.count
            guard try Self.read(handle, appendingTo: &buffer) else { break }
            while let newline = Self.newline(in: buffer, from: scanFrom) {
                line += 1
                spans.append(LineSpan(number: line, start: start, end: newline))
                start = newline + 1
                scanFrom = start
                if spans.count >= Self.chunkLines {
                    try commit(
                        spans, in: buffer, file: file, offset: base + UInt64(start), line: line, &cursor, context, state
                    )
                    spans.removeAll(keepingCapacity: true)
                    if context.stop.isRequested { return false }
                }
            }
            // Bytes before the first line still needed are dropped (their lines were committed).
            let cut = spans.first?.start ?? start
            if cut >= 1 << 20 {
                buffer.removeSubrange(..<cut)
                for index in spans.indices {
                    spans[index].start -= cut
                    spans[index].end -= cut
                }
                base += UInt64(cut)
                start -= cut
            }
        }
        if start < buffer.count {
            line += 1
            spans.append(LineSpan(number: line, start: start, end: buffer.count))
            start = buffer.count
        }
        try commit(spans, in: buffer, file: file, offset: base + UInt64(start), line: line, &cursor, context, state)
        return true
    }

    /// Reads up to 1 MiB from `handle` onto the end of `buffer`. Returns false at the end of the file.
    static func read(_ handle: FileHandle, appendingTo buffer: inout [UInt8]) throws -> Bool {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1 << 20) { scratch in
            guard let base = scratch.baseAddress else { return false }
            var got: Int
            repeat {
                got = Foundation.read(handle.fileDescriptor, base, scratch.count)
            } while got < 0 && errno == EINTR
            if got < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: got))
            return got > 0
        }
    }

    /// The index of the next `\n` in `buffer` from `start` (memchr: the scan is hot).
    static func newline(in buffer: [UInt8], from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let hit = memchr(base + start, 0x0A, raw.count - start) else {
                return nil
            }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// A line's bytes without a trailing `\r`, and on line 1 without a UTF-8 byte-order mark.
    static func content(_ span: LineSpan, in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = span.start
        var end = span.end
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        if span.number == 1, end - start >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF
        {
            start += 3
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// What reading a line ahead of its turn found.
    enum LineRead {
        case blank
        case tooLong
        case notAnObject
        /// Its `MessageFields` are read.
        case fields
    }

    static func read(
        _ span: LineSpan, in bytes: UnsafeBufferPointer<UInt8>, into fields: inout MessageFields
    ) -> LineRead {
        let content = content(span, in: bytes)
        if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
        guard content.count <= 1 << 20 else { return .tooLong }
        return MessageFields.read(content, verbatim: true, into: &fields) ? .fields : .notAnObject
    }

    /// Normalises a chunk, appends its lines, and commits keys, problems and cursor together.
    private func commit(
        _ spans: [LineSpan], in buffer: [UInt8], file: (name: String, item: Int64), offset: UInt64, line: Int,
        _ cursor: inout Cursor, _ context: StageContext, _ state: PassState
    ) throws {
        let (output, keys) = (state.output, state.keys)
        let dryRun = output.directory == nil
        let stage = id
        do {
            try context.database.historyChunk(plan: dryRun) { tx in
                try chunk(spans, in: buffer, file: file, tx, state)
                try keys.commitChunk(tx)
                try output.flush()
                Failpoint.hit("history.before-commit")
                cursor.file = file.name
                cursor.offset = offset
                cursor.line = line
                cursor.output = output.state
                if !dryRun {
                    try tx.setCheckpoint(
                        stage, "cursor", String(decoding: try JSONEncoder().encode(cursor), as: UTF8.self))
                }
            }
        } catch {
            keys.rollBack()
            throw error
        }
        Failpoint.hit("history.after-chunk")
    }

    /// Normalises a chunk's lines: appends the kept ones to the output, records keys and problems.
    private func chunk(
        _ spans: [LineSpan], in buffer: [UInt8], file: (name: String, item: Int64), _ tx: HistoryTransaction,
        _ state: PassState
    ) throws {
        let (output, cache, keys) = (state.output, state.cache, state.keys)
        let dryRun = output.directory == nil
        let stage = id
        var mapping = HistoryNormalizer.Mapping(
            user: { ref in cache.user(ref) { (try? tx.resolveUser(ref)) ?? .unknown } },
            team: { gid in
                cache.team(gid) {
                    dryRun ? (try? tx.plannedTeam(gid)) ?? nil : (try? tx.newID(.team, old: gid)) ?? nil
                }
            },
            file: { url in cache.file(url) { (try? tx.hostedFile(url)) ?? nil } })
        mapping.plainUser = cache.plainUser
        let normalizer = HistoryNormalizer(mapping: mapping)
        func problem(_ number: Int, _ code: String, _ message: String, _ severity: Problem.Severity = .error) throws {
            try tx.record(
                Problem(stage: stage, file: file.name, line: number, code: code, message: message, severity: severity))
        }
        // Each line is read one step ahead (into the other of two `MessageFields`, swapped at each
        // step: a move, no copy), and the accid lookups it will make are started then: they arrive
        // from memory while the line before it is finished.
        try buffer.withUnsafeBufferPointer { bytes in
            var current = MessageFields()
            var next = MessageFields()
            var reads: (current: LineRead, next: LineRead) = (.blank, .blank)
            if let first = spans.first { reads.next = Self.read(first, in: bytes, into: &next) }
            for (index, span) in spans.enumerated() {
                swap(&current, &next)
                reads.current = reads.next
                if index + 1 < spans.count {
                    reads.next = Self.read(spans[index + 1], in: bytes, into: &next)
                    if reads.next == .fields { cache.prefetchUsers(of: next) }
                }
                let outcome: HistoryNormalizer.Outcome
                switch reads.current {
                case .blank: continue
                case .tooLong:
                    try problem(span.number, "line-too-long", "line is longer than 1 MiB")
                    continue
                case .notAnObject: outcome = HistoryNormalizer.notAnObject
                case .fields: outcome = normalizer.normalize(current)
                }
                switch outcome {
                case .rejected(let code, let reason):
                    try problem(span.number, code, reason)
                case .message(let message, let warnings, _):
                    var seen: HistoryTransaction.KeyInsert = .new
                    var hash: Int64 = 0
                    let kept = try output.append(team: message.isTeam, { message.write(into: &$0) }) { text in
                        hash = StableHasher.hash(UnsafeRawBufferPointer(text))
                        seen = try keys.insert(message.storeKey, item: file.item, line: span.number, hash: hash, in: tx)
                        return seen == .new
                    }
                    if kept {
                        if !dryRun, let old = message.sourceMsgid {
                            try tx.map(IDMapping(kind: .message, old: old, new: String(message.msgid)))
                        }
                        for warning in warnings { try problem(span.number, "normalized", warning, .warning) }
                    } else if case .seen(let first, let firstHash) = seen {
                        if firstHash == hash {
                            try problem(
                                span.number, "duplicate-message", "the same message as \(first): dropped", .warning)
                        } else {
                            try problem(
                                span.number, "conflicting-message",
                                "shares msgid, from, to/tid and createTime with \(first) but differs; the first is kept"
                            )
                        }
                    }
                }
            }
        }
    }
}
