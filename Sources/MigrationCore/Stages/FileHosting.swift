internal import Crypto
internal import Foundation

/// The one way a source file reaches NIM: downloaded (``FileFetcher``: the URL policy's
/// ``SafeDownloader``, `file://`, or a path in the export), deduplicated by content and uploaded
/// with `msg/fileUpload.action` — the files stage's attachments, the users stage's avatars, the
/// groups stage's team icons, and serve's attachments, avatars and icons alike.
///
/// Identical bytes are uploaded once: the content's SHA-256 is claimed in the state database
/// before the upload, so concurrent callers with the same bytes wait for one upload, and the
/// hosted file is recorded (content table and the id map, old URL → NIM URL) before the caller
/// uses it: a process killed after the upload finds it there and does not upload again. That
/// record is the one every caller reads (``rehost(_:fetch:attach:)``): a file one of them hosted
/// is not uploaded again by another.
public struct FileHosting: Sendable {
    let client: NIMClient
    let fetcher: FileFetcher
    let database: StateDatabase
    /// Whose calls the uploads are counted under.
    let stage: StageID
    /// How long another's claim on the same content may hold this caller up before it is taken
    /// over; nil: as long as it is held (a stage releases a dead run's claims when it starts,
    /// serve — which may run beside a run — cannot).
    var claimWait: Duration? = nil

    /// The hosting of a process beside the stages (serve): local references relative to `root`,
    /// URLs fetched as `policy` allows, calls counted under `stage`.
    public init(
        root: String, policy: URLPolicy, client: NIMClient, database: StateDatabase, stage: StageID = .files,
        claimWait: Duration? = .seconds(60)
    ) {
        self.init(
            client: client, fetcher: FileFetcher(root: root, policy: policy), database: database, stage: stage,
            claimWait: claimWait)
    }

    init(client: NIMClient, fetcher: FileFetcher, database: StateDatabase, stage: StageID, claimWait: Duration? = nil) {
        self.client = client
        self.fetcher = fetcher
        self.database = database
        self.stage = stage
        self.claimWait = claimWait
    }

    /// Closes the download client.
    public func shutdown() async {
        await fetcher.shutdown()
    }

    /// The NIM URL of a file already re-hosted under `reference` (this run or an earlier one).
    func hostedURL(_ reference: String) async -> String? {
        try? await database.newID(.file, old: reference)
    }

    /// The file behind `reference` in NIM: re-hosted earlier by anyone (the files stage, a stage's
    /// avatar or icon, serve) or now. `fetch` and `attach` are the hints of a message line (a local
    /// copy, download headers such as Easemob's `share-secret`; the name when the URL has none).
    public func rehost(_ reference: String, fetch: JSONValue? = nil, attach: JSONValue? = nil) async -> Result<
        HostedFile, CallFailure
    > {
        do {
            if let known = try await database.hostedFile(old: reference) { return .success(known) }
        } catch {
            return .failure(.local(error))
        }
        return await host(AttachmentSource(url: reference, fetch: fetch, attach: attach))
    }

    /// Downloads, deduplicates by content and uploads the file behind `source`.
    func host(_ source: AttachmentSource) async -> Result<HostedFile, CallFailure> {
        let data: Data
        switch await fetcher.fetch(source) {
        case .failure(let failure): return .failure(failure)
        case .success(let bytes): data = bytes
        }
        let sha = CheckSum.hex(SHA256.hash(data: data))
        let poll = Duration.milliseconds(50)
        var waited = Duration.zero
        do {
            while true {
                var claim = try await database.claimContent(sha)
                if claim == .busy, let claimWait, waited >= claimWait { claim = .mine }
                switch claim {
                case .hosted(let hosted):
                    try await database.map([IDMapping(kind: .file, old: source.url, new: hosted.url)])
                    return .success(hosted)
                case .busy:
                    try await Task.sleep(for: poll)
                    waited += poll
                case .mine:
                    do {
                        let hosted = try await Self.upload(
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
}
