internal import Crypto
internal import Foundation

/// The convert-once machinery every ``SourceVendor`` shares: the vendor's export becomes a
/// canonical folder at `output`, once per version of the export.
///
/// Design: conversion is a deterministic function of the export, done before any stage and
/// stamped with the export's fingerprint, so every later `plan` or `run` of the same export reuses
/// the same files (and the stages' own checkpoints stay valid). It is written into a temporary
/// folder (`output.tmp`) and swapped in by renames (the previous one kept as `output.old` until
/// the new one is in place), so a kill at any instant leaves either the old conversion or the new
/// one. Where each converted line came from is kept (``SourceOrigins``), and so are the vendor's
/// own findings (skipped and damaged lines), which are recorded with the stages'.
struct ConvertOnce {
    let vendor: any SourceVendor
    /// The vendor's export folder.
    let root: String
    /// The canonical folder written.
    let output: String

    func prepare() async throws -> PreparedSource {
        let fm = FileManager.default
        let temporary = output + ".tmp"
        let previous = output + ".old"
        if !fm.fileExists(atPath: output) && fm.fileExists(atPath: previous) {
            try fm.moveItem(atPath: previous, toPath: output)
        }
        try? fm.removeItem(atPath: temporary)
        try? fm.removeItem(atPath: previous)
        let stamp = fingerprint()
        let stampPath = output + "/stamp"
        if (try? String(contentsOfFile: stampPath, encoding: .utf8)) != stamp {
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let converted = try await vendor.convert(export: root, into: temporary)
            try JSONFile.write(converted.origins, to: temporary + "/origins.json")
            try JSONFile.write(converted.messageAliases, to: temporary + "/aliases.json")
            try JSONFile.write(converted.account, to: temporary + "/account.json")
            try stamp.write(toFile: temporary + "/stamp", atomically: true, encoding: .utf8)
            if fm.fileExists(atPath: output) { try fm.moveItem(atPath: output, toPath: previous) }
            try fm.moveItem(atPath: temporary, toPath: output)
            try? fm.removeItem(atPath: previous)
        }
        return try load(stamp: stamp)
    }

    /// Size, modification time and name of every file of the export (attachments in `files/`
    /// only by name: their bytes do not change the conversion), and the vendor's conversion version.
    func fingerprint() -> String {
        var entries: [String] = [vendor.conversionVersion]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            // A pull's staging folder and partial downloads (`.pull/`, `.NAME.download`) are not the export.
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + relative)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            if relative.hasPrefix("files/") {
                entries.append(relative)
                continue
            }
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            entries.append("\(relative):\(size):\(Int64(modified * 1000))")
        }
        let digest = SHA256.hash(data: Data(entries.sorted().joined(separator: "\n").utf8))
        return CheckSum.hex(digest)
    }

    /// The converted export as the stages see it.
    private func load(stamp: String) throws -> PreparedSource {
        func read<Value: Decodable>(_ type: Value.Type, _ name: String) throws -> Value {
            try JSONDecoder().decode(type, from: Data(contentsOf: URL(fileURLWithPath: output + "/" + name)))
        }
        return PreparedSource(
            export: ExportFolder(
                root: output, attachmentRoot: root, messageAliases: try read([String: String].self, "aliases.json")),
            origins: try read(SourceOrigins.self, "origins.json"), problemLog: output + "/problems.jsonl",
            account: try read([String: ElementAccount].self, "account.json"), stamp: stamp)
    }
}
