internal import Foundation
internal import NIOConcurrencyHelpers

/// Reads an attachment from where the export says it is: `http(s)://` through the one
/// ``SafeDownloader`` (SPEC §5 "Untrusted addresses": the URL policy, redirects checked hop by
/// hop), `file://`, or a path relative to the export folder (which may not leave it). Any other
/// scheme, and a path out of the export, is refused (``CallFailure/refusal``), never read.
/// Reads at most `limit + 1` bytes, so an oversize file is detected without holding it all.
final class FileFetcher: Sendable {
    static let limit = 15 * 1024 * 1024

    let root: String
    let downloader: SafeDownloader

    init(root: String, policy: URLPolicy, resolver: any HostResolver = SystemResolver()) {
        self.root = root
        downloader = SafeDownloader(policy: policy, resolver: resolver)
    }

    func shutdown() async {
        await downloader.shutdown()
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
        switch Self.scheme(reference) {
        case "http"?, "https"?:
            return await downloader.download(reference, headers: headers, limit: Self.limit).flatMap {
                check($0, reference)
            }
        case nil, "file"?: break
        case let other?:
            return .failure(
                .refused(
                    URLRefusal(reference: reference, host: reference, reason: .scheme(other)), reference: reference))
        }
        guard let path = Self.localPath(reference, root: root) else {
            return .failure(
                .refused(URLRefusal(reference: reference, host: reference, reason: .leavesExport), reference: reference)
            )
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

    /// The lower-cased scheme of a reference that has one (`http`, `file`, `ftp`, …); nil for a
    /// path. One letter before the colon is a drive, not a scheme.
    static func scheme(_ reference: String) -> String? {
        guard let colon = reference.firstIndex(of: ":") else { return nil }
        let name = reference[..<colon]
        guard name.count >= 2, let first = name.first, first.isASCII, first.isLetter,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return nil }
        return name.lowercased()
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
        let base = resolvedRoot(root)
        let target = relative.hasPrefix("/") ? relative : root + "/" + relative
        let resolved = URL(fileURLWithPath: target).resolvingSymlinksInPath().standardizedFileURL.path
        return resolved.hasPrefix(base + "/") ? resolved : nil
    }

    /// The export folder with its symbolic links resolved, remembered (asked once per reference).
    private static let roots = NIOLockedValueBox<[String: String]>([:])

    static func resolvedRoot(_ root: String) -> String {
        if let known = roots.withLockedValue({ $0[root] }) { return known }
        let resolved = URL(fileURLWithPath: root).resolvingSymlinksInPath().standardizedFileURL.path
        roots.withLockedValue { $0[root] = resolved }
        return resolved
    }

    private func check(_ data: Data, _ reference: String) -> Result<Data, CallFailure> {
        guard data.count <= Self.limit else {
            return .failure(.download(reference, "over NIM's 15 MB upload limit", retryable: false))
        }
        return .success(data)
    }
}
