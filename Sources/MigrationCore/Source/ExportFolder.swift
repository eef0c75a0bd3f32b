internal import Foundation

/// The export folder the stages read, in the canonical format: file paths and their fingerprints.
///
/// For a canonical export it is the pipeline's `source.path`. For an adapted export (Easemob) it
/// is the canonical folder the adapter wrote; its message files keep the names of the files they
/// came from (`chatmessages/2024010112.gz`), line for line, so every report names the file the
/// operator has, while `path(_:)` finds the converted bytes; attachments named by relative paths
/// are still looked up in the original export (`attachmentRoot`).
public struct ExportFolder: Sendable, Equatable {
    public let root: String
    /// Where relative attachment paths and `file://` references must resolve.
    public let attachmentRoot: String
    /// Logical message file names → paths relative to `root`; nil: the files of `messages/`.
    let messageAliases: [String: String]?

    public init(root: String) {
        self.root = root
        attachmentRoot = root
        messageAliases = nil
    }

    init(root: String, attachmentRoot: String, messageAliases: [String: String]) {
        self.root = root
        self.attachmentRoot = attachmentRoot
        self.messageAliases = messageAliases
    }

    /// Path of a file of the export by its name in reports.
    public func path(_ name: String) -> String { root + "/" + (messageAliases?[name] ?? name) }

    /// Whether the export has this file.
    public func has(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// The message files, by name, in name order.
    public func messageFiles() -> [String] {
        if let messageAliases { return messageAliases.keys.sorted() }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/messages")) ?? []
        return names.filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".txt") }.sorted().map { "messages/\($0)" }
    }

    /// Size and modification time of the named files: changes when the source changes.
    public func fingerprint(_ names: [String]) -> String {
        names.map { name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path(name))
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name):\(size):\(Int64(modified * 1000))"
        }.joined(separator: ";")
    }
}
