public import Foundation

/// Reads a file as physical lines (`\n`), streaming, with 1-based line numbers. Blank lines are
/// skipped (but counted), a trailing `\r` and a leading UTF-8 byte-order mark are dropped, and a
/// line longer than `maxLineBytes` is
/// handed over as `nil` so the caller can report it instead of holding it in memory. A gzip file
/// (`gzip: true`) is inflated as it is read; damage in it ends the reading with
/// ``SourceError/damaged(_:line:reason:)`` after every complete line before it.
public struct LineReader: Sendable {
    public let path: String
    public var maxLineBytes: Int
    public var gzip: Bool

    public init(path: String, maxLineBytes: Int = 1 << 20, gzip: Bool = false) {
        self.path = path
        self.maxLineBytes = maxLineBytes
        self.gzip = gzip
    }

    /// Calls `body` with each non-blank line's number and bytes (nil: over the length limit).
    /// Throws when the file cannot be read.
    public func forEachLine(_ body: (_ line: Int, _ bytes: Data?) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        defer { try? handle.close() }
        var source: any ChunkSource = FileChunks(handle: handle)
        if gzip { source = try GzipChunks(handle: handle) }
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
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            try await body(lineNumber, line)
        }
        func read() throws -> Data {
            do { return try source.next() } catch let error as GzipError {
                throw SourceError.damaged(path, line: lineNumber + 1, reason: error.description)
            }
        }
        while true {
            let chunk = try read()
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
                while case let more = try read(), !more.isEmpty {
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
    /// A compressed file damaged at `line`: the lines before it were read.
    case damaged(String, line: Int, reason: String)
    /// A converted export cannot be written.
    case unwritable(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .damaged(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .unwritable(let path): "cannot write \(path)"
        }
    }
}
