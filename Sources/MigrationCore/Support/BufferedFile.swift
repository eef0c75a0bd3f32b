internal import Foundation

/// An output file written through a 1 MiB buffer: what the converted export's files, the
/// adapter's problem log and the streamed reports share.
final class BufferedFile {
    let path: String
    private let handle: FileHandle
    private var buffer = Data()

    /// Creates (or empties) the file at `path`, and its folder.
    init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw SourceError.unwritable(path) }
        self.handle = handle
    }

    /// Appends bytes.
    func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends bytes already in a `Data` (no element-wise copy).
    func write(_ data: Data) throws {
        buffer.append(data)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends one line (the bytes and a `\n`).
    func writeLine(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends one line held in a `Data`.
    func writeLine(_ data: Data) throws {
        buffer.append(data)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes out what is buffered.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs (when asked) and closes.
    func close(sync: Bool = true) throws {
        try flush()
        if sync { try handle.synchronize() }
        try handle.close()
    }
}
