import Foundation

/// The emulator's paging cursors: opaque Base64 text naming the list and the offset of the next
/// page (Easemob's are opaque Base64 too, e.g. `LTgzXXXX2tB`; a client must pass them back
/// untouched and never parse them).
enum Cursor {
    /// The cursor of `list` at `offset`.
    static func encode(_ list: String, offset: Int) -> String {
        Data("emu:\(list):\(offset)".utf8).base64EncodedString()
    }

    /// The offset a cursor of `list` names; 400 `illegal_argument` for anything else.
    static func decode(_ cursor: String?, list: String) throws -> Int {
        guard let cursor, !cursor.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8) else {
            throw EasemobError.illegalArgument("illegal argument: cursor \(cursor) is invalid")
        }
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "emu", parts[1] == list, let offset = Int(parts[2]), offset >= 0 else {
            throw EasemobError.illegalArgument("illegal argument: cursor \(cursor) is invalid")
        }
        return offset
    }

    /// One page of `all`: at most `size` elements from the offset `cursor` names (``decode(_:list:)``),
    /// where it ends, and the cursor of the next page (`nil` after the last).
    static func page<Element>(
        of all: [Element], list: String, cursor: String?, size: Int
    ) throws -> (elements: [Element], end: Int, next: String?) {
        let offset = try decode(cursor, list: list)
        let elements = offset < all.count ? Array(all[offset..<min(all.count, offset + size)]) : []
        let end = offset + elements.count
        return (elements, end, end < all.count ? encode(list, offset: end) : nil)
    }
}
