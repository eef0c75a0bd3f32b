internal import Foundation

/// A file written whole or not at all: the bytes go to a temporary file beside it, are synced to
/// disk, and the temporary file is renamed over the target, so a `kill -9` leaves the old file or
/// the new one, never half of one (a caller that must survive a power cut too syncs the folder
/// after its renames: ``syncFolder(_:)``).
enum AtomicFile {
    /// Why a file could not be written.
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var cause: String
        var description: String { "cannot write \(path): \(cause)" }
    }

    /// Writes `data` to `path`, creating its folder.
    static func write(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".part-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else { throw Failure(path: path, cause: String(cString: strerror(errno))) }
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            unlink(temporary)
            throw Failure(path: path, cause: "\(error)")
        }
        guard rename(temporary, path) == 0 else {
            let cause = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(path: path, cause: cause)
        }
    }

    /// Syncs a folder's entries (a rename in it) to disk.
    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
