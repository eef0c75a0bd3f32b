internal import CZlib
internal import Foundation

/// A gzip file inflated as it is read (several concatenated members too, as `gzip` allows).
///
/// A damaged stream throws ``GzipError`` where the damage is found; the bytes inflated before it
/// have been handed out already, so a reader keeps every complete line before the damage. A stream
/// that inflates to more than `ratioLimit` times its compressed size (once past `bombFloor`) is
/// refused as a decompression bomb.
final class GzipChunks: ChunkSource {
    static let bombFloor: Int64 = 64 << 20
    static let ratioLimit: Int64 = 200

    /// Inflated bytes past which the ratio is checked (lowered by tests).
    private let bombFloor: Int64
    private let handle: FileHandle
    private var stream = z_stream()
    private var input = Data()
    private var inputOffset = 0
    private var compressedRead: Int64 = 0
    private var inflated: Int64 = 0
    private var atMemberEnd = false
    private var finished = false

    init(handle: FileHandle, bombFloor: Int64 = GzipChunks.bombFloor) throws(GzipError) {
        self.handle = handle
        self.bombFloor = bombFloor
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("cannot start zlib")
        }
    }

    deinit { inflateEnd(&stream) }

    /// Whether the file starts with gzip's magic bytes.
    static func isGzip(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        return head.count == 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B
    }

    func next() throws -> Data {
        var output = Data()
        while output.isEmpty && !finished {
            if inputOffset >= input.count {
                input = try handle.read(upToCount: 256 * 1024) ?? Data()
                inputOffset = 0
                compressedRead += Int64(input.count)
                if input.isEmpty {
                    finished = true
                    if !atMemberEnd { throw GzipError.truncated }
                    break
                }
            }
            if atMemberEnd {
                // Another member follows (or trailing zero padding, which gzip tolerates).
                if input[(input.startIndex + inputOffset)...].allSatisfy({ $0 == 0 }) {
                    inputOffset = input.count
                    continue
                }
                guard inflateReset(&stream) == Z_OK else { throw GzipError.corrupt("cannot restart zlib") }
                atMemberEnd = false
            }
            output = try inflateSome()
        }
        return output
    }

    private func inflateSome() throws -> Data {
        var output = Data(count: 256 * 1024)
        let available = input.count - inputOffset
        let (status, consumed, produced) = input.withUnsafeBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                let base = inBytes.baseAddress?.assumingMemoryBound(to: UInt8.self).advanced(by: inputOffset)
                stream.next_in = UnsafeMutablePointer(mutating: base)
                stream.avail_in = UInt32(available)
                stream.next_out = outBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(outBytes.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, available - Int(stream.avail_in), outBytes.count - Int(stream.avail_out))
            }
        }
        inputOffset += consumed
        if consumed == 0 && produced == 0 && status != Z_STREAM_END {
            throw GzipError.corrupt("no progress")
        }
        switch status {
        case Z_STREAM_END: atMemberEnd = true
        case Z_OK, Z_BUF_ERROR: break
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw GzipError.corrupt(reason)
        }
        inflated += Int64(produced)
        if inflated > bombFloor && inflated > compressedRead * Self.ratioLimit {
            throw GzipError.bomb(inflated: inflated, compressed: compressedRead)
        }
        output.count = produced
        return output
    }
}

/// A gzip file that cannot be read to its end.
enum GzipError: Error, CustomStringConvertible, Equatable {
    case truncated
    case corrupt(String)
    case bomb(inflated: Int64, compressed: Int64)

    var description: String {
        switch self {
        case .truncated: "the gzip stream is truncated"
        case .corrupt(let reason): "the gzip stream is damaged (\(reason))"
        case .bomb(let inflated, let compressed):
            "the gzip stream inflates over \(GzipChunks.ratioLimit)× (\(inflated) bytes from \(compressed)): refused as a decompression bomb"
        }
    }
}
