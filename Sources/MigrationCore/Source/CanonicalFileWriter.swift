internal import Foundation

/// Writes one file of a canonical export, a JSON line at a time, buffered; with
/// ``SourceOriginsBuilder`` it remembers where each line came from.
final class CanonicalFileWriter {
    let name: String
    private let file: BufferedFile
    /// Lines written so far (blank ones included).
    private(set) var lines = 0

    /// Creates (or empties) `directory/name`.
    init(directory: String, name: String) throws {
        self.name = name
        file = try BufferedFile(path: directory + "/" + name)
    }

    /// Appends one line.
    func write(_ line: String) throws {
        try file.writeLine(line.utf8)
        lines += 1
    }

    /// Appends blank lines until the next line written is line `number` (keeps numbers aligned
    /// with an original file whose skipped lines are not converted).
    func pad(toLine number: Int) throws {
        while lines + 1 < number { try write("") }
    }

    /// Flushes, syncs and closes.
    func close() throws { try file.close() }
}
