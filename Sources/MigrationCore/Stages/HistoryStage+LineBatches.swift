internal import Foundation

extension HistoryStage {
    /// The lines of a message file from an offset, read in blocks of 256 KiB into one buffer and
    /// handed out in batches: the lines the buffer holds whole. A batch is normalised right after
    /// its bytes were read, while they are still in the processor's cache; the bytes of lines
    /// handed out are dropped at the next call.
    struct LineBatches {
        static let blockSize = 1 << 18

        private let handle: FileHandle
        /// Where each block is read before it joins `buffer`.
        private var block = [UInt8](repeating: 0, count: blockSize)
        /// The bytes read and not yet dropped; valid until the next ``next(limit:)``.
        private(set) var buffer: [UInt8] = []
        /// The file offset of `buffer[0]`.
        private var base: UInt64
        /// Where the next line starts in `buffer`.
        private var start = 0
        /// The number of the last line handed out.
        private(set) var line: Int
        private var atEnd = false

        /// Reads `handle` (positioned at `offset`, after line `line`).
        init(handle: FileHandle, offset: UInt64, line: Int) {
            self.handle = handle
            base = offset
            self.line = line
        }

        /// The file offset just after the last line handed out.
        var offset: UInt64 { base + UInt64(start) }

        /// The next lines (at least one, at most `limit`) as spans of ``buffer``, reading more when
        /// the buffer holds no whole line; nil at the end of the file. A last line without a line
        /// break is handed out at the end.
        mutating func next(limit: Int) throws -> [LineSpan]? {
            if start > 0 {
                buffer.removeSubrange(..<start)
                base += UInt64(start)
                start = 0
            }
            var spans: [LineSpan] = []
            var scanFrom = 0
            while true {
                while spans.count < limit, let newline = Self.newline(in: buffer, from: scanFrom) {
                    line += 1
                    spans.append(LineSpan(number: line, start: start, end: newline))
                    start = newline + 1
                    scanFrom = start
                }
                if !spans.isEmpty { return spans }
                scanFrom = buffer.count
                if !atEnd, try Self.read(handle, through: &block, appendingTo: &buffer) { continue }
                atEnd = true
                guard start < buffer.count else { return nil }
                line += 1
                spans.append(LineSpan(number: line, start: start, end: buffer.count))
                start = buffer.count
                return spans
            }
        }

        /// Reads up to a block's size from `handle` through `block` onto the end of `buffer`.
        /// Returns false at the end of the file.
        static func read(_ handle: FileHandle, through block: inout [UInt8], appendingTo buffer: inout [UInt8]) throws
            -> Bool
        {
            let got = block.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                var got: Int
                repeat {
                    got = Foundation.read(handle.fileDescriptor, base, raw.count)
                } while got < 0 && errno == EINTR
                return got < 0 ? -Int(errno) : got
            }
            if got < 0 { throw POSIXError(POSIXErrorCode(rawValue: Int32(-got)) ?? .EIO) }
            buffer.append(contentsOf: block[..<got])
            return got > 0
        }

        /// The index of the next `\n` in `buffer` from `start` (memchr: the scan is hot).
        static func newline(in buffer: [UInt8], from start: Int) -> Int? {
            guard start < buffer.count else { return nil }
            return buffer.withUnsafeBytes { raw -> Int? in
                guard let base = raw.baseAddress, let hit = memchr(base + start, 0x0A, raw.count - start) else {
                    return nil
                }
                return base.distance(to: UnsafeRawPointer(hit))
            }
        }
    }
}
