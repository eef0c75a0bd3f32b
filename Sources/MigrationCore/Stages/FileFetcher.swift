internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOPosix

/// Downloads an attachment from where the export says it is: `http(s)://` (redirects followed,
/// timeouts), `file://`, or a path relative to the export folder (which may not leave it).
/// Reads at most `limit + 1` bytes, so an oversize file is detected without holding it all.
final class FileFetcher: Sendable {
    static let limit = 15 * 1024 * 1024

    /// Why a file could not be had.
    let root: String
    private let http: HTTPClient

    init(root: String) {
        self.root = root
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .follow(max: 5, allowCycles: false)
        config.timeout = .init(connect: .seconds(10), read: .seconds(30))
        http = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: config)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// An attachment's bytes: from its local copy when the export has one, else from its URL with
    /// its download headers.
    func fetch(_ source: AttachmentSource) async -> Result<Data, CallFailure> {
        if let local = source.local, let path = Self.localPath(local, root: root),
            FileManager.default.fileExists(atPath: path)
        {
            return await fetch(local)
        }
        let headers = (source.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return await fetch(source.url, headers: headers)
    }

    /// The file's bytes, or why not.
    func fetch(_ reference: String, headers: [(String, String)] = []) async -> Result<Data, CallFailure> {
        let lower = reference.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return await download(reference, headers) }
        guard let path = Self.localPath(reference, root: root) else {
            return .failure(.download(reference, "path \(reference) leaves the export folder", retryable: false))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(.download(reference, code: 404, "no such file: \(reference)", retryable: false))
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: Self.limit + 1) ?? Data()
            return check(data, reference)
        } catch {
            var failure = CallFailure.download(reference, "cannot read \(reference)", retryable: false)
            failure.underlying = String(describing: error)
            return .failure(failure)
        }
    }

    /// The file a local reference (relative path or `file://`) names, or nil when it lies outside
    /// the export folder (symbolic links resolved): an export must not make the tool upload the
    /// machine's own files.
    static func localPath(_ reference: String, root: String) -> String? {
        var relative = reference
        if reference.lowercased().hasPrefix("file://") {
            guard let url = URL(string: reference) else { return nil }
            relative = url.path
        }
        let base = URL(fileURLWithPath: root).resolvingSymlinksInPath().standardizedFileURL.path
        let target = relative.hasPrefix("/") ? relative : root + "/" + relative
        let resolved = URL(fileURLWithPath: target).resolvingSymlinksInPath().standardizedFileURL.path
        return resolved.hasPrefix(base + "/") ? resolved : nil
    }

    private func download(_ url: String, _ headers: [(String, String)]) async -> Result<Data, CallFailure> {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await http.execute(request, timeout: .seconds(60))
            guard response.status.code == 200 else {
                let code = Int(response.status.code)
                return .failure(.download(url, code: code, "download: HTTP \(code)", retryable: code >= 500))
            }
            var data = Data()
            for try await chunk in response.body {
                data.append(contentsOf: chunk.readableBytesView)
                if data.count > Self.limit { break }
            }
            return check(data, url)
        } catch {
            let text = String(describing: error).split(separator: "\n").first.map(String.init) ?? "failed"
            var failure = CallFailure.download(url, "download: \(text)", retryable: true)
            failure.underlying = String(describing: error)
            return .failure(failure)
        }
    }

    private func check(_ data: Data, _ reference: String) -> Result<Data, CallFailure> {
        guard data.count <= Self.limit else {
            return .failure(.download(reference, "over NIM's 15 MB upload limit", retryable: false))
        }
        return .success(data)
    }
}
