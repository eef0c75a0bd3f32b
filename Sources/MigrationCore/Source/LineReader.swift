public import Foundation

/// Reads a file as physical lines (`\n`), streaming, with 1-based line numbers. Blank lines are
/// skipped (but counted), a trailing `\r` is dropped, and a line longer than `maxLineBytes` is
/// handed over as `nil` so the caller can report it instead of holding it in memory.
public struct LineReader: Sendable {
    public let path: String
    public var maxLineBytes: Int

    public init(path: String, maxLineBytes: Int = 1 << 20) {
        self.path = path
        self.maxLineBytes = maxLineBytes
    }

    /// Calls `body` with each non-blank line's number and bytes (nil: over the length limit).
    /// Throws when the file cannot be read.
    public func forEachLine(_ body: (_ line: Int, _ bytes: Data?) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? handle.close() }
        var pending = Data()
        var lineNumber = 0
        var overflow = false
        func emit(_ slice: Data) async throws {
            lineNumber += 1
            if overflow {
                overflow = false
                try await body(lineNumber, nil)
                return
            }
            if slice.count > maxLineBytes {
                try await body(lineNumber, nil)
                return
            }
            var line = slice
            if line.last == 0x0D { line.removeLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            try await body(lineNumber, line)
        }
        while true {
            let chunk = try handle.read(upToCount: 256 * 1024) ?? Data()
            if chunk.isEmpty { break }
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try await emit(pending[start..<newline])
                start = pending.index(after: newline)
            }
            pending = Data(pending[start...])
            if pending.count > maxLineBytes {
                overflow = true
                pending.removeAll(keepingCapacity: true)
                // Skip to the end of this line.
                while let more = try handle.read(upToCount: 256 * 1024), !more.isEmpty {
                    if let newline = more.firstIndex(of: 0x0A) {
                        pending = Data(more[more.index(after: newline)...])
                        try await emit(Data())
                        break
                    }
                }
            }
        }
        if !pending.isEmpty || overflow { try await emit(pending) }
    }
}

/// A source that cannot be read at all (exit 2).
public enum SourceError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        }
    }
}
