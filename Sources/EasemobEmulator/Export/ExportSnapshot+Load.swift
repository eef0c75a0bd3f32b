internal import EmulatorKit
import Foundation

extension ExportSnapshot {
    /// Reads the export folder at `path`; hour keys are read in the zone `offsetSeconds`.
    static func load(path: String, offsetSeconds: Int) throws -> ExportSnapshot {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ExportError(path: path, reason: "no such folder")
        }
        var snapshot = ExportSnapshot()
        for file in try jsonFiles(in: path + "/users") {
            for entity in try read(file)["entities"]?.arrayValue ?? [] {
                guard let username = entity["username"]?.stringValue else { continue }
                snapshot.users.append(User(username: username, entity: entity))
                snapshot.userKeys.insert(username.lowercased())
            }
        }
        try snapshot.loadAttributes(path + "/user-attributes")
        try snapshot.loadContacts(path + "/contacts")
        try snapshot.loadBlocks(path + "/blocks")
        try snapshot.loadGroups(path + "/chatgroups")
        try snapshot.loadHours(path + "/chatmessages", offsetSeconds: offsetSeconds)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path + "/files")) ?? []
        where !name.hasPrefix(".") {
            snapshot.files[name] = path + "/files/" + name
        }
        return snapshot
    }

    /// `*.json` files of a folder, sorted by name; none when the folder is absent.
    static func jsonFiles(in folder: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
    }

    /// The JSON of a file.
    static func read(_ file: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ExportError(path: file, reason: "cannot be read")
        }
        guard let value = JSONValue(json: data) else { throw ExportError(path: file, reason: "not valid JSON") }
        return value
    }

    /// The file's name without its extension.
    static func stem(_ file: String) -> String {
        let name = (file as NSString).lastPathComponent
        return (name as NSString).deletingPathExtension
    }

    private mutating func loadAttributes(_ folder: String) throws {
        for file in try Self.jsonFiles(in: folder) {
            guard let data = try Self.read(file)["data"]?.objectValue else { continue }
            let isBatch = !data.isEmpty && data.values.allSatisfy { $0.objectValue != nil }
            if isBatch {
                for (username, value) in data {
                    attributes[username.lowercased(), default: [:]].merge(value.objectValue ?? [:]) { _, new in new }
                }
            } else {
                attributes[Self.stem(file).lowercased(), default: [:]].merge(data) { _, new in new }
            }
        }
    }

    /// The files of a per-user folder: `DIR/<user>.json`, or pages `DIR/<user>/*.json`.
    private static func perUserFiles(_ folder: String) throws -> [(owner: String, files: [String])] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var result: [(String, [String])] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder)
            if isFolder.boolValue {
                result.append((name, try jsonFiles(in: folder + "/" + name)))
            } else if name.hasSuffix(".json") {
                result.append((stem(name), [folder + "/" + name]))
            }
        }
        return result
    }

    private mutating func loadContacts(_ folder: String) throws {
        for (owner, files) in try Self.perUserFiles(folder) {
            var list: [Contact] = []
            for file in files {
                let data = try Self.read(file)["data"]
                if let names = data?.arrayValue {
                    list += names.compactMap { $0.stringValue.map { Contact(username: $0, remark: .null) } }
                } else if let entries = data?["contacts"]?.arrayValue {
                    list += entries.compactMap { entry in
                        entry["username"]?.stringValue.map { Contact(username: $0, remark: entry["remark"] ?? .null) }
                    }
                }
            }
            contacts[owner.lowercased(), default: []] += list
        }
    }

    private mutating func loadBlocks(_ folder: String) throws {
        for (owner, files) in try Self.perUserFiles(folder) {
            for file in files {
                let names = try Self.read(file)["data"]?.arrayValue?.compactMap(\.stringValue) ?? []
                blocks[owner.lowercased(), default: []] += names
            }
        }
    }
}
