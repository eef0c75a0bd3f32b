internal import Foundation

/// The export folder of a pipeline: file paths and their fingerprints.
public struct ExportFolder: Sendable, Equatable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Absolute or working-directory-relative path of a file of the export.
    public func path(_ name: String) -> String { root + "/" + name }

    /// Whether the export has this file.
    public func has(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

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
