internal import Foundation

/// Where the files stage gets one attachment: its URL (the key of the old → new map), and the
/// hints a message line may carry beside `data` in a top-level `fetch` object — a local copy in
/// the export (`local`, tried first) and download headers (`headers`, e.g. Easemob's
/// `share-secret`).
struct AttachmentSource: Codable, Equatable {
    var url: String
    var local: String?
    var headers: [String: String]?
    /// The name to upload under when the URL's last segment has no extension (Easemob's
    /// `chatfiles/<uuid>`): the message's file name, or the segment with the message's `ext`, so
    /// NIM gets the file's type.
    var name: String?

    /// The hints of a message line's `fetch` object, and the upload name from its `attach`.
    init(url: String, fetch: JSONValue?, attach: JSONValue? = nil) {
        self.url = url
        local = fetch?["local"]?.string
        if case .object(let values)? = fetch?["headers"] {
            let pairs = values.compactMap { key, value in value.string.map { (key, $0) } }
            headers = pairs.isEmpty ? nil : Dictionary(pairs) { first, _ in first }
        }
        name = Self.uploadName(url: url, attach: attach)
    }

    /// A name with an extension for an extension-less URL, from the message's attachment.
    static func uploadName(url: String, attach: JSONValue?) -> String? {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let segment = path.split(separator: "/").last.map(String.init) ?? ""
        guard !segment.isEmpty, !segment.contains(".") else { return nil }
        if let name = attach?["name"]?.string, let dot = name.lastIndex(of: "."),
            name.index(after: dot) < name.endIndex,
            !name.contains("/")
        {
            return name
        }
        let ext = (attach?["ext"]?.string ?? "").trimmingCharacters(in: .whitespaces)
        guard !ext.isEmpty, ext.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        return segment + "." + ext
    }

    /// A work item's payload: the bare URL, or this as JSON when there are hints.
    var payload: String {
        guard local != nil || headers != nil || name != nil else { return url }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? url
    }

    /// Reads a payload written by ``payload``.
    static func decode(_ payload: String?) -> AttachmentSource {
        let text = payload ?? ""
        if text.hasPrefix("{"), let source = decodeJSON(AttachmentSource.self, text) { return source }
        return AttachmentSource(url: text, fetch: nil)
    }
}
