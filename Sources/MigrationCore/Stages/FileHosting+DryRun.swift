internal import Crypto
internal import Foundation

extension FileHosting {
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
        // A local file read and hashed once per reference (many accounts share an avatar), bounded.
        var read: [String: (hash: String, size: Int)?] = [:]
        for reference in references {
            let lower = reference.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                if seen.insert("url:" + reference).inserted {
                    uploads += 1
                    remote += 1
                }
                continue
            }
            let content: (hash: String, size: Int)?
            if let known = read[reference] {
                content = known
            } else {
                content = localContent(reference, root: root)
                if read.count >= 100_000 { read.removeAll(keepingCapacity: true) }
                read[reference] = .some(content)
            }
            guard let content else { continue }
            if seen.insert(content.hash).inserted {
                uploads += 1
                bytes += content.size
            }
        }
        return (uploads, bytes, remote)
    }

    /// The SHA-256 (hex) and size of a local reference's file, nil when it is missing, outside the
    /// export folder or over NIM's limit.
    private static func localContent(_ reference: String, root: String) -> (hash: String, size: Int)? {
        guard let path = FileFetcher.localPath(reference, root: root),
            let data = FileManager.default.contents(atPath: path), data.count <= FileFetcher.limit
        else { return nil }
        return (CheckSum.hex(SHA256.hash(data: data)), data.count)
    }
}
