internal import EmulatorKit
import Foundation

extension ExportSnapshot {
    /// Reads `chatgroups/`: the saved list pages, then one folder per group.
    mutating func loadGroups(_ folder: String) throws {
        var order: [String] = []
        var byID: [String: ExportGroup] = [:]
        for file in try Self.jsonFiles(in: folder) where Self.stem(file).hasPrefix("page") {
            for entry in try Self.read(file)["data"]?.arrayValue ?? [] {
                guard let id = entry["groupid"]?.stringValue, byID[id] == nil else { continue }
                order.append(id)
                byID[id] = ExportGroup(id: id, listEntry: entry)
            }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                continue
            }
            var group = byID[name] ?? ExportGroup(id: name)
            if byID[name] == nil { order.append(name) }
            group.details = try Self.optional(path + "/details.json").flatMap { details in
                let entries = details["data"]?.arrayValue ?? []
                return entries.first { $0["id"]?.stringValue == name } ?? entries.first
            }
            group.members = try Self.optional(path + "/members.json")?["data"]?.arrayValue
            group.admins = try Self.optional(path + "/admins.json")?["data"]?.arrayValue?.compactMap(\.stringValue)
            group.mutes = try Self.optional(path + "/mutes.json")?["data"]?.arrayValue
            byID[name] = group
        }
        groups = order.compactMap { byID[$0] }
    }

    /// The JSON of a file that may be absent.
    static func optional(_ file: String) throws -> JSONValue? {
        FileManager.default.fileExists(atPath: file) ? try read(file) : nil
    }
}
