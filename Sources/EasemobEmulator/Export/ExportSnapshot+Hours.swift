internal import EmulatorKit
import Foundation

extension ExportSnapshot {
    /// Indexes `chatmessages/<yyyyMMddHH>[.gz]` and the attachments their lines reference.
    mutating func loadHours(_ folder: String, offsetSeconds: Int) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let stem = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
            guard let key = HourKey(stem, offsetSeconds: offsetSeconds) else { continue }
            let path = folder + "/" + name
            hours[key.text] = HourFile(key: key, path: path)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExportError(path: path, reason: "cannot be read")
            }
            do {
                try Gzip.lines(of: data) { line in indexAttachments(line) }
            } catch {
                throw ExportError(path: path, reason: "\(error)")
            }
        }
    }

    /// Records the attachments of one history line (`url`/`secret`, `thumb`/`thumb_secret`).
    private mutating func indexAttachments(_ line: Data) {
        guard let message = JSONValue(json: line) else { return }
        let time = message["timestamp"]?.millisecondsValue ?? 0
        for body in message["payload"]?["bodies"]?.arrayValue ?? [] {
            for (urlKey, secretKey) in [("url", "secret"), ("thumb", "thumb_secret")] {
                guard let url = body[urlKey]?.stringValue, let name = Self.lastSegment(of: url) else { continue }
                var entry = attachments[name] ?? Attachment(secret: nil, messageMs: time)
                entry.secret = entry.secret ?? body[secretKey]?.stringValue
                entry.messageMs = max(entry.messageMs, time)
                attachments[name] = entry
            }
        }
    }

    /// The last path segment of a URL, without query or fragment.
    static func lastSegment(of url: String) -> String? {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let trimmed = path.split(separator: "#", maxSplits: 1).first.map(String.init) ?? path
        guard let last = trimmed.split(separator: "/").last, !last.isEmpty else { return nil }
        return String(last)
    }

    /// The newest hour file, if any.
    var newestHour: HourKey? { hours.values.map(\.key).max() }
}
