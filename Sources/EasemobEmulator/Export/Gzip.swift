import CZlib
import Foundation

/// The emulator's own gzip: inflate an hour file to read its lines, deflate a plain hour file to
/// serve it as Easemob's `.gz` download.
enum Gzip {
    /// Why a gzip stream could not be read or written.
    struct Failure: Error, CustomStringConvertible {
        /// What zlib said.
        let reason: String
        var description: String { "gzip: \(reason)" }
    }

    /// Whether `data` starts with gzip's magic bytes.
    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Calls `body` with each inflated chunk of the gzip `data` (several members too); stops
    /// quietly at a truncated end after handing out what was inflated.
    static func inflateChunks(_ data: Data, _ body: (Data) -> Void) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "cannot start inflate")
        }
        defer { inflateEnd(&stream) }
        var offset = 0
        var output = Data(count: 256 * 1024)
        while offset < data.count {
            let (status, consumed, produced) = data.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { out in
                    let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self).advanced(by: offset)
                    stream.next_in = UnsafeMutablePointer(mutating: base)
                    stream.avail_in = UInt32(data.count - offset)
                    stream.next_out = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
                    stream.avail_out = UInt32(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, data.count - offset - Int(stream.avail_in), out.count - Int(stream.avail_out))
                }
            }
            offset += consumed
            if produced > 0 { body(output.prefix(produced)) }
            switch status {
            case Z_STREAM_END:
                guard inflateReset(&stream) == Z_OK else { throw Failure(reason: "cannot restart inflate") }
                if data[(data.startIndex + offset)...].allSatisfy({ $0 == 0 }) { return }
            case Z_OK:
                continue
            case Z_BUF_ERROR where consumed == 0 && produced == 0:
                return
            case Z_BUF_ERROR:
                continue
            default:
                throw Failure(reason: stream.msg.map { String(cString: $0) } ?? "inflate error \(status)")
            }
        }
    }

    /// Calls `body` with each line (without its newline) of a gzip or plain text `data`.
    static func lines(of data: Data, _ body: (Data) -> Void) throws {
        var pending = Data()
        func feed(_ chunk: Data) {
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                body(pending[start..<newline])
                start = pending.index(after: newline)
            }
            pending = Data(pending[start...])
        }
        if isGzip(data) {
            try inflateChunks(data, feed)
        } else {
            feed(data)
        }
        if !pending.isEmpty { body(pending) }
    }

    /// The gzip stream of `data` (one member).
    static func compress(_ data: Data) throws -> Data {
        var stream = z_stream()
        let level = Z_DEFAULT_COMPRESSION
        guard
            deflateInit2_(
                &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw Failure(reason: "cannot start deflate") }
        defer { deflateEnd(&stream) }
        var result = Data()
        var output = Data(count: 64 * 1024)
        var input = data
        let total = input.count
        var status = Z_OK
        try input.withUnsafeMutableBytes { raw in
            stream.next_in = raw.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.avail_in = UInt32(total)
            repeat {
                let produced = output.withUnsafeMutableBytes { out in
                    stream.next_out = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
                    stream.avail_out = UInt32(out.count)
                    status = deflate(&stream, Z_FINISH)
                    return out.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw Failure(reason: "deflate error \(status)")
                }
                result.append(output.prefix(produced))
            } while status != Z_STREAM_END
        }
        return result
    }
}
