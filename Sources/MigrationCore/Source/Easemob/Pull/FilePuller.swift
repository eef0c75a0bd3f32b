internal import Foundation

/// Attachments and avatars into `files/` (SPEC §4 "Attachments"): every file the saved hours and
/// lists reference, named by its URL's last path segment, fetched with its `share-secret` through
/// the one URL policy; one the server no longer has is `attachment-expired` (its message is still
/// migrated with the old URL). A file already in `files/` is not fetched again.
struct FilePuller {
    let context: PullContext
    /// Attempts at one file that fails transiently in one pull (it stays pending for the next).
    static let attempts = 3

    func run() async throws {
        let pending = try context.store.pendingFiles()
        guard !pending.isEmpty else { return }
        var saved = 0
        for file in pending {
            let path = context.path("files/" + file.name)
            if FileManager.default.fileExists(atPath: path) {
                try context.store.setFile(file.url, .saved)
                saved += 1
                continue
            }
            let (state, detail) = try await fetch(file, to: path)
            Failpoint.hit(ListPuller.effect)
            try context.store.setFile(file.url, state, detail: detail)
            Failpoint.hit(ListPuller.effect)
            if state == .saved { saved += 1 }
        }
        context.progress("pull: files: \(saved) of \(pending.count) saved")
    }

    /// One file's outcome: saved, expired (the server answers 404: gone), refused (the URL policy),
    /// failed (any other answer), or pending (transient failures; the next pull tries again).
    private func fetch(_ file: PullFile, to path: String) async throws -> (FileState, String?) {
        let chatfile = context.chatfile(file.url)
        var last = ""
        var renew = false
        for _ in 0..<Self.attempts {
            do {
                try await context.api.admit(.files)
            } catch {
                throw PullHalt(.interrupted)
            }
            // A chatfile is the app's own: its token goes with it, to the app's host only.
            var headers = file.secret.map { [("share-secret", $0)] } ?? []
            if chatfile != nil {
                headers.append(("Authorization", "Bearer " + (try await context.api.bearer(renew: renew))))
            }
            switch await context.downloader.download(chatfile ?? file.url, headers: headers, limit: 1 << 30) {
            case .success(let data):
                try AtomicFile.write(data, to: path)
                return (.saved, nil)
            case .failure(let failure) where failure.refusal != nil:
                return (.refused, failure.desc)
            case .failure(let failure) where failure.code == 401 && chatfile != nil && !renew:
                renew = true
                last = failure.desc
            case .failure(let failure) where failure.code == 404 || failure.code == 410:
                return (.expired, "the server no longer has it (HTTP \(failure.code))")
            case .failure(let failure) where failure.retryable:
                last = failure.desc
            case .failure(let failure):
                return (.failed, failure.desc)
            }
        }
        return (.pending, last)
    }
}
