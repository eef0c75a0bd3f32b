internal import Crypto
internal import Foundation

/// `manifest.json` of the history files: what NIM needs with them (appkey, roaming) and, per file,
/// lines, bytes and SHA-256.
enum HistoryManifest {
    struct Entry: Codable, Equatable {
        var file: String
        var kind: String
        var lines: Int
        var bytes: UInt64
        var sha256: String
    }

    struct Manifest: Codable, Equatable {
        var appkey: String
        var roaming: Bool
        var files: [Entry]
    }

    static func write(directory: String, appKey: String, roaming: Bool, output: HistoryOutput.State) throws {
        var entries: [Entry] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
        for name in names {
            let path = directory + "/" + name
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            defer { try? handle.close() }
            var hasher = SHA256()
            var lines = 0
            var bytes: UInt64 = 0
            while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
                hasher.update(data: data)
                lines += data.withUnsafeBytes(Self.newlines)
                bytes += UInt64(data.count)
            }
            let digest = CheckSum.hex(hasher.finalize())
            entries.append(
                Entry(
                    file: name, kind: name.hasPrefix("team") ? "team" : "p2p", lines: lines, bytes: bytes,
                    sha256: digest))
        }
        try JSONFile.write(Manifest(appkey: appKey, roaming: roaming, files: entries), to: directory + "/manifest.json")
    }

    /// The `\n` bytes in `bytes` (memchr: a byte-by-byte loop took as long as the hashing).
    private static func newlines(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard var cursor = bytes.baseAddress else { return 0 }
        let end = cursor + bytes.count
        var count = 0
        while cursor < end, let hit = memchr(cursor, 0x0A, end - cursor) {
            count += 1
            cursor = UnsafeRawPointer(hit) + 1
        }
        return count
    }
}
