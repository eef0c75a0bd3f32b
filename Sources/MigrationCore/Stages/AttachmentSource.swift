internal import Foundation

/// Where the files stage gets one attachment: its URL (the key of the old → new map), and the
/// hints a message line may carry beside `data` in a top-level `fetch` object — a local copy in
/// the export (`local`, tried first) and download headers (`headers`, e.g. Easemob's
/// `share-secret`).
struct AttachmentSource: Codable, Equatable {
    var url: String
    var local: String?
    var headers: [String: String]?

    /// The hints of a message line's `fetch` object.
    init(url: String, fetch: JSONValue?) {
        self.url = url
        local = fetch?["local"]?.string
        if case .object(let values)? = fetch?["headers"] {
            let pairs = values.compactMap { key, value in value.string.map { (key, $0) } }
            headers = pairs.isEmpty ? nil : Dictionary(pairs) { first, _ in first }
        }
    }

    /// A work item's payload: the bare URL, or this as JSON when there are hints.
    var payload: String {
        guard local != nil || headers != nil else { return url }
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
