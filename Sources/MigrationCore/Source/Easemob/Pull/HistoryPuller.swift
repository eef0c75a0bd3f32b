internal import Foundation

/// The hourly history files (SPEC §4 "History"): one call per hour from `history_from` to the
/// newest hour the server can have generated, each hour pending, saved, empty, too new or expired.
///
/// An answered hour's signed URL is fetched at once without the app token; the download is
/// written to a temporary file, read to its end (a truncated or damaged file is fetched again,
/// never saved), its attachments listed, renamed into `chatmessages/` — and only then is the hour
/// checkpointed saved, with its attachments registered, in one transaction.
struct HistoryPuller {
    let context: PullContext
    /// An empty or 400 hour younger than this is asked again later (Easemob generates late).
    static let settleMs: Int64 = 24 * 3_600_000
    /// Attempts at one hour's download (an expired signed URL or a cut download) in one pull.
    static let attempts = 4

    /// Asks every hour not final yet; returns the hours of the range.
    func run() async throws -> ClosedRange<String>? {
        let config = context.config
        let now = try await context.serverNow()
        let offset = config.timezoneOffset
        let first =
            config.historyFrom.flatMap(HourKey.init) ?? HourKey(containing: now - 71 * 3_600_000, offset: offset)
        let last = HourKey(containing: now - 3_600_000, offset: offset)
        guard first <= last else { return nil }
        let known = try context.store.hours()
        var hour = first
        var asked = 0
        while hour <= last {
            let state = known[hour.text]
            if try await !isFinal(hour, state, now: now) {
                try await pull(hour)
                asked += 1
            }
            hour = hour.next(offset: offset)
        }
        context.progress("pull: history \(first)–\(last): \(asked) hour(s) asked")
        return first.text...last.text
    }

    /// Whether `hour` needs no call: saved, expired, empty and settled; or its file is on disk
    /// already (a pull killed after the rename, before the checkpoint), which is checked and kept.
    private func isFinal(_ hour: HourKey, _ state: (state: HourState, checkedMs: Int64, scanned: Bool)?, now: Int64)
        async throws -> Bool
    {
        switch state?.state {
        case .saved?, .expired?: return true
        case .empty?:
            let end = hour.startMs(offset: context.config.timezoneOffset) + 3_600_000
            if let checked = state?.checkedMs, checked - end >= Self.settleMs { return true }
        default: break
        }
        let path = context.path("chatmessages/\(hour).gz")
        guard FileManager.default.fileExists(atPath: path), let files = try? scan(path, hour: hour) else {
            return false
        }
        try context.store.saveHour(hour.text, files, checkedMs: now)
        return true
    }

    /// One hour: the API's answer, then the download.
    private func pull(_ hour: HourKey) async throws {
        let offset = context.config.timezoneOffset
        var lastProblem = ""
        for _ in 0..<Self.attempts {
            let answer = try await context.api.call(.history, "/chatmessages/\(hour)")
            let now = context.api.serverTime ?? 0
            switch (answer.status, answer.error) {
            case (200, _):
                guard let url = answer.json["data"]?.array.first?["url"]?.string else {
                    lastProblem = "the answer names no download URL"
                    continue
                }
                // A cut or damaged download is fetched again from the same URL (history calls are
                // 10 a minute); only a URL that expired (the object store's 403) is asked for anew.
                fetching: for _ in 0..<Self.attempts {
                    switch await download(url, hour: hour) {
                    case .saved(let files):
                        Failpoint.hit(ListPuller.effect)
                        try context.store.saveHour(hour.text, files, checkedMs: now)
                        Failpoint.hit(ListPuller.effect)
                        return
                    case .again(let why): lastProblem = why
                    case .expired(let why):
                        lastProblem = why
                        break fetching
                    case .refused(let why):
                        try context.store.setHour(hour.text, .pending, checkedMs: now, detail: why)
                        return
                    }
                }
            case (404, _):
                try context.store.setHour(hour.text, .empty, checkedMs: now)
                Failpoint.hit(ListPuller.effect)
                return
            case (400, _) where answer.errorDescription.contains("expired or unstored"):
                let recent = now - hour.startMs(offset: offset) < Self.settleMs + 3_600_000
                try context.store.setHour(
                    hour.text, recent ? .tooNew : .expired, checkedMs: now, detail: answer.errorDescription)
                return
            default:
                let why = answer.error.map { "\($0): \(answer.errorDescription)" } ?? "HTTP \(answer.status)"
                try context.store.setHour(hour.text, .pending, checkedMs: now, detail: why)
                return
            }
        }
        try context.store.setHour(hour.text, .pending, checkedMs: context.api.serverTime ?? 0, detail: lastProblem)
    }

    private enum Download {
        case saved([PullFile])
        /// Fetch the same URL again (a cut or damaged download, a transport failure).
        case again(String)
        /// The signed URL expired (403): ask the API for a new one.
        case expired(String)
        /// The URL policy refuses the URL the API named: the hour stays pending, reported.
        case refused(String)
    }

    /// Fetches the signed URL (no token: it is the object store's), checks the file whole, and
    /// renames it into place.
    private func download(_ url: String, hour: HourKey) async -> Download {
        do {
            try await context.api.admit(.files)
        } catch {
            return .again("interrupted")
        }
        let fetched = await context.downloader.download(url, limit: 4 << 30)
        let data: Data
        switch fetched {
        case .success(let bytes): data = bytes
        case .failure(let failure) where failure.refusal != nil: return .refused(failure.desc)
        case .failure(let failure) where failure.code == 403: return .expired(failure.desc)
        case .failure(let failure): return .again(failure.desc)
        }
        let path = context.path("chatmessages/\(hour).gz")
        let partial = context.path("chatmessages/.\(hour).gz.download")
        do {
            try AtomicFile.write(data, to: partial)
            let files = try scan(partial, hour: hour)
            guard rename(partial, path) == 0 else { return .again("cannot rename into \(path)") }
            AtomicFile.syncFolder(context.path("chatmessages"))
            return .saved(files)
        } catch {
            unlink(partial)
            return .again("the file is damaged or cut short (\(error)): fetched again")
        }
    }

    /// Reads a gzip hour file to its end (throws when it is cut short or damaged) and lists the
    /// attachments its messages reference, by line.
    func scan(_ path: String, hour: HourKey) throws -> [PullFile] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AtomicFile.Failure(path: path, cause: "unreadable")
        }
        defer { try? handle.close() }
        let chunks = try GzipChunks(handle: handle)
        var files: [PullFile] = []
        var pending = Data()
        var line = 0
        func take(_ bytes: Data) {
            line += 1
            guard let json = try? JSONValue.parse(bytes) else { return }
            for body in json["payload"]?["bodies"]?.array ?? [] {
                guard let url = body["url"]?.string, let name = PullContext.fileName(url),
                    url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://")
                else { continue }
                let secret = body["secret"]?.string.flatMap { $0.isEmpty ? nil : $0 }
                files.append(
                    PullFile(url: url, name: name, secret: secret, source: "chatmessages/\(hour).gz", line: line))
            }
        }
        while true {
            let chunk = try chunks.next()
            if chunk.isEmpty { break }
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                take(pending[start..<newline])
                start = newline + 1
            }
            pending = Data(pending[start...])
        }
        if !pending.isEmpty { take(pending) }
        return files
    }
}
