internal import Foundation

/// The operator's `users.accid_map` CSV: `old,new` per line, renaming source accids before every
/// stage (to resolve collisions and invalid ids). Small by nature, so held in memory.
public struct AccidMap: Sendable, Equatable {
    public private(set) var renames: [String: String] = [:]
    /// A short digest of the file, for stage fingerprints.
    public private(set) var fingerprint = "none"

    public init() {}

    /// Reads the CSV; a malformed line is a configuration error naming the file and line.
    public init(path: String) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: "users.accid_map", "cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || (index == 0 && line.lowercased() == "old,new") { continue }
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ConfigError(path: "users.accid_map", "\(path):\(index + 1): expected old,new")
            }
            if let earlier = renames[parts[0]], earlier != parts[1] {
                throw ConfigError(path: "users.accid_map", "\(path):\(index + 1): '\(parts[0])' is renamed twice")
            }
            renames[parts[0]] = parts[1]
        }
        fingerprint = CheckSum.md5Hex(data)
    }

    /// The accid after renaming.
    public func apply(_ accid: String) -> String { renames[accid] ?? accid }
}
