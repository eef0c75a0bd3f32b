import Foundation

/// A minimal `multipart/form-data` reader (RFC 7578), enough for `msg/fileUpload.action`.
///
/// Parts are split on `--boundary`; each part's headers end at the first blank line and its
/// content runs to the CRLF before the next delimiter. Only `Content-Disposition`'s `name`
/// and `filename` are read; a part without a name is ignored.
struct MultipartForm: Sendable {
    /// One part of the form.
    struct Part: Sendable {
        /// The `name` of the form field.
        var name: String
        /// The `filename`, for file parts.
        var filename: String?
        /// The raw bytes of the part.
        var data: Data
    }

    /// The parts in order of appearance.
    var parts: [Part]

    /// The first part with that name.
    func part(named name: String) -> Part? {
        parts.first { $0.name == name }
    }

    /// The boundary parameter of a `multipart/form-data` content type, if it is one.
    static func boundary(fromContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let kind = pieces.first, kind.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Parses a body; `nil` when it is not a well-formed multipart body for that boundary.
    static func parse(_ body: Data, boundary: String) -> MultipartForm? {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        guard var cursor = find(delimiter, in: bytes, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            // "--" after the delimiter closes the body.
            if cursor + 1 < bytes.count, bytes[cursor] == 0x2D, bytes[cursor + 1] == 0x2D { break }
            guard let headerStart = skipLineBreak(bytes, at: cursor),
                let headerEnd = find([13, 10, 13, 10], in: bytes, from: headerStart)
            else { return nil }
            let headerText = String(decoding: bytes[headerStart..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: bytes, from: contentStart) else { return nil }
            if let (name, filename) = disposition(headerText) {
                parts.append(Part(name: name, filename: filename, data: Data(bytes[contentStart..<next])))
            }
            cursor = next + 2
        }
        return MultipartForm(parts: parts)
    }

    private static func skipLineBreak(_ bytes: [UInt8], at index: Int) -> Int? {
        guard index + 1 < bytes.count, bytes[index] == 13, bytes[index + 1] == 10 else { return nil }
        return index + 2
    }

    /// `name` and `filename` of the part's `Content-Disposition` header.
    private static func disposition(_ headers: String) -> (String, String?)? {
        for line in headers.components(separatedBy: "\r\n") {
            guard line.lowercased().hasPrefix("content-disposition:") else { continue }
            var name: String?
            var filename: String?
            for item in line.split(separator: ";").dropFirst() {
                let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                switch pair[0].lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
            return name.map { ($0, filename) }
        }
        return nil
    }

    /// Index of the first occurrence of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
