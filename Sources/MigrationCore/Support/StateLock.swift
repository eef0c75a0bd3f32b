internal import Foundation

/// An exclusive lock on a pipeline's state (`state/NAME.lock`), so that two processes never run
/// the same pipeline at once. The kernel drops it when the holder dies, kill -9 included.
public final class StateLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock or throws ``StateLockError/busy`` at once when another process holds it.
    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StateLockError.cannotOpen(path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StateLockError.busy(path)
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Why the state lock could not be taken.
public enum StateLockError: Error, CustomStringConvertible {
    case cannotOpen(String)
    case busy(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path): "cannot create lock file \(path)"
        case .busy(let path): "another nim-migrate process is running this pipeline (\(path) is locked)"
        }
    }
}
