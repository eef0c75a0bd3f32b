import Foundation

/// Writes a text file line by line through a buffer (generated exports reach millions of lines).
final class LineFile {
    private let handle: FileHandle
    private var buffer = Data()
    private(set) var lines = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw ExportError.cannotWrite(path) }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        lines += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}

/// Why an export could not be written.
public enum ExportError: Error, CustomStringConvertible {
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .cannotWrite(let path): "cannot write \(path)"
        }
    }
}
