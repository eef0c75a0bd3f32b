internal import Crypto
internal import Foundation

/// The one way a source file reaches NIM: downloaded (``FileFetcher``), deduplicated by content
/// and uploaded with `msg/fileUpload.action` — the files stage's attachments, the users stage's
/// avatars and the groups stage's team icons alike.
///
/// Identical bytes are uploaded once: the content's SHA-256 is claimed in the state database
/// before the upload, so concurrent callers with the same bytes wait for one upload, and the
/// hosted file is recorded (content table and the id map, old URL → NIM URL) before the caller
/// uses it: a process killed after the upload finds it there and does not upload again.
struct FileHosting: Sendable {
    let client: NIMClient
    let fetcher: FileFetcher
    let database: StateDatabase
    /// Whose calls the uploads are counted under.
    let stage: StageID

    /// The NIM URL of a file already re-hosted under `reference` (this run or an earlier one).
    func hostedURL(_ reference: String) async -> String? {
        try? await database.newID(.file, old: reference)
    }

    /// The NIM URL for an avatar or team icon set at creation: re-hosted earlier (the id map) or
    /// now. One that cannot be re-hosted gives nil after `unhosted` reported it (the account or
    /// team is created without it); only a halt of the run is a failure.
    func iconURL(_ reference: String, unhosted: (CallFailure) async -> Void) async -> Result<String?, CallFailure> {
        if let url = await hostedURL(reference) { return .success(url) }
        switch await host(AttachmentSource(url: reference, fetch: nil, attach: nil)) {
        case .success(let hosted):
            Failpoint.hit("hosting.after-icon-upload")
            return .success(hosted.url)
        case .failure(let failure) where failure.halt != nil: return .failure(failure)
        case .failure(let failure):
            await unhosted(failure)
            return .success(nil)
        }
    }

    /// Why an avatar or icon has no NIM URL, in a report's words: refused by the URL policy, or
    /// not re-hosted with the failure's reason.
    static func notHosted(_ failure: CallFailure) -> String {
        failure.refusal.map { "is not fetched: \($0)" } ?? "could not be re-hosted (\(failure.desc))"
    }

    /// Downloads, deduplicates by content and uploads the file behind `source`.
    func host(_ source: AttachmentSource) async -> Result<HostedFile, CallFailure> {
        let data: Data
        switch await fetcher.fetch(source) {
        case .failure(let failure): return .failure(failure)
        case .success(let bytes): data = bytes
        }
        let sha = CheckSum.hex(SHA256.hash(data: data))
        do {
            while true {
                switch try await database.claimContent(sha) {
                case .hosted(let hosted):
                    try await database.map([IDMapping(kind: .file, old: source.url, new: hosted.url)])
                    return .success(hosted)
                case .busy: try await Task.sleep(for: .milliseconds(50))
                case .mine:
                    do {
                        let hosted = try await FileRehoster.upload(
                            data, named: source.name ?? source.url, client: client, stage: stage)
                        try await database.hostContent(sha, hosted)
                        try await database.map([IDMapping(kind: .file, old: source.url, new: hosted.url)])
                        return .success(hosted)
                    } catch let error as CallFailure {
                        try? await database.releaseClaim(sha)
                        return .failure(error)
                    }
                }
            }
        } catch {
            return .failure(.local(error))
        }
    }

    /// What a dry run predicts for `references` without calling NIM: the uploads (local files are
    /// read and identical bytes counted once — also against `seen`, the hashes counted by an
    /// earlier stage; missing and oversize files not at all; each remote file once), the bytes of
    /// the local ones and how many are remote.
    static func countUploads(_ references: [String], root: String, seen: inout Set<String>)
        -> (uploads: Int, bytes: Int, remote: Int)
    {
        var uploads = 0
        var bytes = 0
        var remote = 0
        for reference in references {
            let lower = reference.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                if seen.insert("url:" + reference).inserted {
                    uploads += 1
                    remote += 1
                }
                continue
            }
            guard let path = FileFetcher.localPath(reference, root: root),
                let data = FileManager.default.contents(atPath: path), data.count <= FileFetcher.limit
            else { continue }
            if seen.insert(CheckSum.hex(SHA256.hash(data: data))).inserted {
                uploads += 1
                bytes += data.count
            }
        }
        return (uploads, bytes, remote)
    }
}
