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
