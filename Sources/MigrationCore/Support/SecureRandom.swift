internal import Foundation
internal import NIOConcurrencyHelpers

/// Bytes from the operating system's CSPRNG, read 4 KiB at a time: a nonce or a token takes 16 of
/// them without a system call of its own (`SystemRandomNumberGenerator` asks the kernel once per
/// number — 598,000 `getrandom` calls in one plan, issue 27). Every byte is handed out once.
enum SecureRandom {
    private static let pool = NIOLockedValueBox(Pool())

    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var used = 4096

        mutating func take(_ count: Int, into out: inout [UInt8]) {
            if used + count > bytes.count { refill() }
            out.append(contentsOf: bytes[used..<used + count])
            used += count
        }

        private mutating func refill() {
            bytes.withUnsafeMutableBytes { buffer in
                let device = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
                if device >= 0, let base = buffer.baseAddress {
                    defer { close(device) }
                    var filled = 0
                    while filled < buffer.count {
                        let got = read(device, base + filled, buffer.count - filled)
                        if got > 0 { filled += got } else if got == 0 || errno != EINTR { break }
                    }
                    if filled == buffer.count { return }
                }
                var generator = SystemRandomNumberGenerator()
                for index in buffer.indices { buffer[index] = generator.next() }
            }
            used = 0
        }
    }

    /// `count` (at most 4,096) fresh random bytes.
    static func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        pool.withLockedValue { $0.take(min(count, 4096), into: &out) }
        return out
    }
}
