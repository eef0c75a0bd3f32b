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
        var lines = try open()
        while let line = try lines.next() { try await body(line.number, line.bytes) }
    }

    /// The lines, pulled one at a time (a loop with no closure: a hot loop's state stays in
    /// local variables, without the run-time exclusivity checks that captured ones need).
    public func open() throws -> Lines {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SourceError.unreadable(path) }
        let source: any ChunkSource = gzip ? try GzipChunks(handle: handle) : FileChunks(handle: handle)
        return Lines(path: path, handle: handle, source: source, maxLineBytes: maxLineBytes)
    }

    /// A file's non-blank lines in order; the file is closed when this is released.
    public struct Lines: ~Copyable {
        let path: String
        let handle: FileHandle
        var source: any ChunkSource
        let maxLineBytes: Int
        private var pending = Data()
        private var lineNumber = 0
        private var finished = false

        init(path: String, handle: FileHandle, source: any ChunkSource, maxLineBytes: Int) {
            self.path = path
            self.handle = handle
            self.source = source
            self.maxLineBytes = maxLineBytes
        }

        deinit { try? handle.close() }

        /// The next non-blank line: its 1-based number and bytes (nil: over the length limit).
        public mutating func next() throws -> (number: Int, bytes: Data?)? {
            while true {
                if let newline = Self.newline(in: pending) {
                    let slice = pending[pending.startIndex..<newline]
                    pending = pending[pending.index(after: newline)...]
                    if let line = take(slice) { return line }
                    continue
                }
                if finished {
                    guard !pending.isEmpty else { return nil }
                    let last = pending
                    pending = Data()
                    if let line = take(last) { return line }
                    return nil
                }
                let chunk = try read()
                if chunk.isEmpty {
                    finished = true
                    continue
                }
                pending = pending.isEmpty ? chunk : Data(pending) + chunk
                if pending.count > maxLineBytes, Self.newline(in: pending) == nil {
                    // A line over the limit: skip to its end and hand it over as nil.
                    pending = Data()
                    while case let more = try read(), !more.isEmpty {
                        if let newline = Self.newline(in: more) {
                            pending = Data(more[more.index(after: newline)...])
                            break
                        }
                    }
                    lineNumber += 1
                    return (lineNumber, nil)
                }
            }
        }

        /// The index of the first `\n` (with `memchr`: Data's own element access checks exclusivity
        /// at run time on every byte, which was most of the cost of reading a file).
        static func newline(in data: Data) -> Data.Index? {
            data.withUnsafeBytes { raw -> Int? in
                guard let base = raw.baseAddress, let found = memchr(base, 0x0A, raw.count) else { return nil }
                return base.distance(to: UnsafeRawPointer(found))
            }.map { data.startIndex + $0 }
        }

        /// Numbers a line; nil for a blank one (skipped, but counted).
        private mutating func take(_ slice: Data) -> (number: Int, bytes: Data?)? {
            lineNumber += 1
            if slice.count > maxLineBytes { return (lineNumber, nil) }
            var line = slice
            if line.last == 0x0D { line.removeLast() }
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
            return (lineNumber, line)
        }

        private mutating func read() throws -> Data {
            do { return try source.next() } catch let error as GzipError {
                throw SourceError.damaged(path, line: lineNumber + 1, reason: error.description)
            }
        }
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
