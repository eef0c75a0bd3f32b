internal import Foundation

extension HistoryStage {
    /// What one pass (a run, or a dry run's count) keeps from chunk to chunk.
    struct PassState {
        let output: HistoryOutput
        let cache: ReferenceCache
        let keys: HistoryKeyStore
    }

    /// A line of the chunk being read: its number and where its bytes lie in the read buffer.
    struct LineSpan {
        var number: Int
        var start: Int
        var end: Int
    }

    /// Reads `file` (the message file of work item `item`) from the cursor to its end (or a stop
    /// request), chunk by chunk: each chunk's transaction takes the file's lines in batches as they
    /// are read (a few hundred KiB at a time, normalised while their bytes are still in the
    /// processor's cache). A dry run only validates and counts (`output` writes nothing). Returns
    /// whether the file was finished.
    @discardableResult
    func pass(
        _ file: String, item: Int64, from cursor: inout Cursor, context: StageContext, state: PassState
    ) throws -> Bool {
        let path = services.export.path(file)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? handle.close() }
        try handle.seek(toOffset: cursor.offset)
        var reader = LineBatches(handle: handle, offset: cursor.offset, line: cursor.line)
        let file = (name: file, item: item)
        while true {
            let fresh = cursor.offset == 0
            let finished = try commit(file: file, &cursor, context, state) { tx in
                var count = 0
                var account = ElementAccount()
                var finished = false
                while count < Self.chunkLines {
                    guard let spans = try reader.next(limit: Self.chunkLines - count) else {
                        finished = true
                        break
                    }
                    try chunk(spans, in: reader.buffer, file: file, tx, state, &account)
                    count += spans.count
                }
                if !tx.dryRun { try tx.addAccount(file.name, account, fresh: fresh) }
                return (finished: finished, offset: reader.offset, line: reader.line)
            }
            if finished { return true }
            if context.stop.isRequested { return false }
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

    /// Runs one chunk's transaction: `lines` normalises and appends the chunk's lines and says
    /// where they end; then keys, problems, output and cursor are committed together. Returns
    /// whether the file was finished.
    private func commit(
        file: (name: String, item: Int64), _ cursor: inout Cursor, _ context: StageContext, _ state: PassState,
        _ lines: (HistoryTransaction) throws -> (finished: Bool, offset: UInt64, line: Int)
    ) throws -> Bool {
        let (output, keys) = (state.output, state.keys)
        let dryRun = output.directory == nil
        let stage = id
        var finished = false
        do {
            try context.database.historyChunk(plan: dryRun) { tx in
                let end = try lines(tx)
                finished = end.finished
                try keys.commitChunk(tx)
                try output.flush()
                Failpoint.hit("history.before-commit")
                cursor.file = file.name
                cursor.offset = end.offset
                cursor.line = end.line
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
        return finished
    }

    /// Normalises a chunk's lines: appends the kept ones to the output, records keys and problems.
    private func chunk(
        _ spans: [LineSpan], in buffer: [UInt8], file: (name: String, item: Int64), _ tx: HistoryTransaction,
        _ state: PassState, _ account: inout ElementAccount
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
        // Each line is read one step ahead, and the accid lookups it will make are started then:
        // they arrive from memory while the line before it is finished. Even lines are read into
        // `even`, odd ones into `odd` (no copying or swapping of the fields between steps).
        try buffer.withUnsafeBufferPointer { bytes in
            var even = MessageFields()
            var odd = MessageFields()
            var reads: (current: LineRead, next: LineRead) = (.blank, .blank)
            if let first = spans.first { reads.next = Self.read(first, in: bytes, into: &even) }
            for (index, span) in spans.enumerated() {
                reads.current = reads.next
                if index + 1 < spans.count {
                    if index % 2 == 0 {
                        reads.next = Self.read(spans[index + 1], in: bytes, into: &odd)
                        if reads.next == .fields { cache.prefetchUsers(of: odd) }
                    } else {
                        reads.next = Self.read(spans[index + 1], in: bytes, into: &even)
                        if reads.next == .fields { cache.prefetchUsers(of: even) }
                    }
                }
                let outcome: HistoryNormalizer.Outcome
                if reads.current != .blank { account.read += 1 }
                switch reads.current {
                case .blank: continue
                case .tooLong:
                    try problem(span.number, "line-too-long", "line is longer than 1 MiB")
                    account.reported += 1
                    continue
                case .notAnObject: outcome = HistoryNormalizer.notAnObject
                case .fields where index % 2 == 0: outcome = normalizer.normalize(even)
                case .fields: outcome = normalizer.normalize(odd)
                }
                switch outcome {
                case .rejected(let code, let reason):
                    try problem(span.number, code, reason)
                    account.reported += 1
                case .message(let message, let warnings, let oldURL):
                    var seen: HistoryTransaction.KeyInsert = .new
                    var hash: Int64 = 0
                    let kept = try output.append(team: message.isTeam, { message.write(into: &$0) }) { text in
                        hash = StableHasher.hash(UnsafeRawBufferPointer(text))
                        seen = try keys.insert(message.storeKey, item: file.item, line: span.number, hash: hash, in: tx)
                        return seen == .new
                    }
                    if kept {
                        account.passed += 1
                        if !dryRun, let old = message.sourceMsgid {
                            try tx.map(IDMapping(kind: .message, old: old, new: String(message.msgid)))
                        }
                        // A message that keeps its old URL is listed by its own line, under its own kind.
                        let kept = oldURL.map(HistoryNormalizer.oldURLWarning)
                        for warning in warnings {
                            try problem(span.number, warning == kept ? "old-url-kept" : "normalized", warning, .warning)
                        }
                    } else if case .seen(let first, let firstHash) = seen {
                        account.reported += 1
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
