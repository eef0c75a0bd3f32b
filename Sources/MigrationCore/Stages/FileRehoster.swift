internal import Foundation

/// Re-hosts one attachment the way the files stage does: fetched by ``FileFetcher`` (http(s) as the URL policy allows,
/// `file://` or a path inside the export folder, at most 15 MB), uploaded with
/// `msg/fileUpload.action` through the shared ``NIMClient``; md5 and size are those of the bytes
/// uploaded. Used by `serve` for the attachments of messages that arrive during dual-running.
public final class FileRehoster: Sendable {
    private let fetcher: FileFetcher
    private let client: NIMClient
    private let stage: StageID

    /// A rehoster reading local references relative to `root` and fetching URLs as `policy`
    /// allows, counting its calls under `stage`.
    public init(root: String, policy: URLPolicy, client: NIMClient, stage: StageID = .files) {
        fetcher = FileFetcher(root: root, policy: policy)
        self.client = client
        self.stage = stage
    }

    /// Closes the download client.
    public func shutdown() async {
        await fetcher.shutdown()
    }

    /// Uploads `data` with `msg/fileUpload.action`, named after the last path segment of
    /// `reference` (its extension as the type); md5 and size are those of `data`.
    static func upload(_ data: Data, named reference: String, client: NIMClient, stage: StageID)
        async throws(CallFailure) -> HostedFile
    {
        let name = reference.split(separator: "/").last.map(String.init) ?? "file"
        let parts = name.split(separator: ".")
        let ext = parts.count > 1 ? parts.last.map(String.init) : nil
        let response = try await client.send(.uploadFile(data, name: name, type: ext), stage: stage)
        guard let url = response["url"]?.string else {
            throw CallFailure(
                code: 0, desc: "upload answered without a url", endpoint: "msg/fileUpload.action", retryable: true)
        }
        return HostedFile(url: url, md5: CheckSum.md5Hex(data), size: data.count)
    }

    /// Downloads `reference` (with the `fetch` hints of its message line, if any: a local copy,
    /// download headers such as Easemob's `share-secret`) and uploads it (named after the message's
    /// `attach` when the URL has no extension); the hosted file or why not.
    public func rehost(_ reference: String, fetch: JSONValue? = nil, attach: JSONValue? = nil) async -> Result<
        HostedFile, CallFailure
    > {
        let source = AttachmentSource(url: reference, fetch: fetch, attach: attach)
        let data: Data
        switch await fetcher.fetch(source) {
        case .failure(let failure): return .failure(failure)
        case .success(let bytes): data = bytes
        }
        do {
            return .success(try await Self.upload(data, named: source.name ?? reference, client: client, stage: stage))
        } catch {
            return .failure(error)
        }
    }
}
