internal import Foundation

/// Writes one file of a canonical export, a JSON line at a time, buffered; with
/// ``SourceOriginsBuilder`` it remembers where each line came from.
final class CanonicalFileWriter {
    let name: String
    private let handle: FileHandle
    private var buffer = Data()
    /// Lines written so far (blank ones included).
    private(set) var lines = 0

    /// Creates (or empties) `directory/name`.
    init(directory: String, name: String) throws {
        self.name = name
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw SourceError.unwritable(path) }
        self.handle = handle
    }

    /// Appends one line.
    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        lines += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends blank lines until the next line written is line `number` (keeps numbers aligned
    /// with an original file whose skipped lines are not converted).
    func pad(toLine number: Int) throws {
        while lines + 1 < number { try write("") }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes.
    func close() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
    }
}
