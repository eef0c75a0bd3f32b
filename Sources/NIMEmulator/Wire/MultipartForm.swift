import Foundation
import MultipartKit

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

    /// Parses a body; `nil` when it is not a well-formed multipart body for that boundary. The
    /// framing (delimiters, part headers, bodies) is read by Vapor's MultipartKit — not by a parser
    /// written by the hands that wrote the tool's multipart writer this checks; a body must also
    /// end with the close delimiter (RFC 2046 §5.1.1), so a body cut short is refused.
    static func parse(_ body: Data, boundary: String) -> MultipartForm? {
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var disposition: String?
        var data = Data()
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { disposition = value }
        }
        parser.onBody = { buffer in data.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            if let (name, filename) = disposition.flatMap(Self.parameters) {
                parts.append(Part(name: name, filename: filename, data: data))
            }
            disposition = nil
            data = Data()
        }
        do {
            try parser.execute([UInt8](body))
        } catch {
            return nil
        }
        guard Self.closes(body, boundary: boundary) else { return nil }
        return MultipartForm(parts: parts)
    }

    /// Whether the body's last delimiter is the close delimiter `--boundary--` (CRLF and an
    /// epilogue may follow).
    private static func closes(_ body: Data, boundary: String) -> Bool {
        guard let range = body.range(of: Data("--\(boundary)--".utf8), options: .backwards) else { return false }
        return body[range.upperBound...].range(of: Data("--\(boundary)".utf8)) == nil
    }

    /// `name` and `filename` of a `Content-Disposition` value (`form-data; name="content"; …`).
    private static func parameters(_ value: String) -> (String, String?)? {
        var name: String?
        var filename: String?
        for item in value.split(separator: ";").dropFirst() {
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
}
