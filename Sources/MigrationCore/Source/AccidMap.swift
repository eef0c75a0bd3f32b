internal import CSV
internal import Foundation

/// The operator's `users.accid_map` CSV: `old,new` per line, renaming source accids before every
/// stage (to resolve collisions and invalid ids). Small by nature, so held in memory.
public struct AccidMap: Sendable, Equatable {
    public private(set) var renames: [String: String] = [:]
    /// A short digest of the file, for stage fingerprints.
    public private(set) var fingerprint = "none"

    public init() {}

    /// Reads the CSV (RFC 4180, through yaslab/CSV.swift: a quoted field may hold a comma, a quote
    /// or a line break, so any accid can be renamed, and `nim-migrate ids` output reads back); a
    /// malformed row is a configuration error naming the file and row.
    public init(path: String) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: "users.accid_map", "cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: true)
        } catch {
            throw ConfigError(path: "users.accid_map", "\(path): not CSV (\(error))")
        }
        var row = 0
        while let fields = reader.next() {
            row += 1
            if fields.allSatisfy(\.isEmpty) { continue }
            if row == 1 && fields.map({ $0.lowercased() }) == ["old", "new"] { continue }
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw ConfigError(path: "users.accid_map", "\(path): row \(row): expected old,new")
            }
            if let earlier = renames[fields[0]], earlier != fields[1] {
                throw ConfigError(path: "users.accid_map", "\(path): row \(row): '\(fields[0])' is renamed twice")
            }
            renames[fields[0]] = fields[1]
        }
        if let error = reader.error {
            throw ConfigError(path: "users.accid_map", "\(path): row \(row + 1): not CSV (\(error))")
        }
        fingerprint = CheckSum.md5Hex(data)
    }

    /// The accid after renaming.
    public func apply(_ accid: String) -> String { renames[accid] ?? accid }
}
