internal import Foundation

/// Where ``LineReader`` gets its bytes: a plain file, or a gzip stream inflated as it is read.
protocol ChunkSource {
    /// The next bytes, or an empty `Data` at the end.
    mutating func next() throws -> Data
}

/// A plain file, 256 KiB at a time.
struct FileChunks: ChunkSource {
    let handle: FileHandle

    mutating func next() throws -> Data { try handle.read(upToCount: 256 * 1024) ?? Data() }
}
