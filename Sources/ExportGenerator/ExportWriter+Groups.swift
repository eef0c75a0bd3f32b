import Foundation

/// A group as generated, for the messages that follow.
struct GeneratedGroup {
    var gid: Int
    var owner: String
    var members: [String]
}

/// An attachment file as generated.
struct GeneratedAttachment {
    var path: String
    var ext: String
    var size: Int
}

extension ExportWriter {
    func writeGroups(
        _ accids: [String], folder: String, rng: inout SplitMix64, summary: inout Summary
    ) throws -> [GeneratedGroup] {
        let file = try LineFile(path: folder + "/groups.jsonl")
        var groups: [GeneratedGroup] = []
        for index in 0..<spec.groups {
            let ownerIndex = rng.below(accids.count)
            let size = index == 0 ? spec.bigGroupMembers : min(3 + rng.below(38), accids.count - 1)
            var members: [String] = []
            for offset in 1...max(size, 1) { members.append(accids[(ownerIndex + offset) % accids.count]) }
            let group = GeneratedGroup(gid: 7001 + index, owner: accids[ownerIndex], members: members)
            groups.append(group)
            var line = JSONLine()
            line.add("gid", String(group.gid))
            line.add("tname", "项目群 \(index + 1)")
            line.add("owner", group.owner)
            line.add("members", members)
            let admins = index == 0 ? Array(members.prefix(12)) : Array(members.prefix(rng.below(3)))
            if !admins.isEmpty { line.add("admins", admins) }
            if members.count > 5, rng.chance(0.4) { line.add("muted", [members[members.count - 1]]) }
            if index % 5 == 4 { line.add("muteAll", true) }
            line.add("intro", "第 \(index + 1) 个群的介绍")
            if rng.chance(0.5) { line.add("announcement", "欢迎加入") }
            if index < 2 { line.add("icon", "files/team-\(index + 1).png") }
            if rng.chance(0.3) { line.add("custom", "{\"dept\":\"d\(index)\"}") }
            line.add("joinmode", rng.below(3))
            line.add("beinvitemode", rng.below(2))
            line.add("invitemode", rng.below(2))
            line.add("uptinfomode", rng.below(2))
            line.add("upcustommode", rng.below(2))
            if index == 0 { line.add("teamMemberLimit", 500) }
            try file.write(line.text)
        }
        try file.close()
        summary.groups = file.lines
        return groups
    }

    /// Attachment files: small files with the right magic bytes, plus the avatars and team icons
    /// that users and groups reference.
    func writeAttachments(folder: String, rng: inout SplitMix64) throws -> [GeneratedAttachment] {
        let kinds: [(String, [UInt8])] = [
            ("png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), ("amr", Array("#!AMR\n".utf8)),
            ("mp4", [0, 0, 0, 0x18] + Array("ftypmp42".utf8)), ("pdf", Array("%PDF-1.4\n".utf8)),
        ]
        var attachments: [GeneratedAttachment] = []
        for index in 0..<spec.attachments {
            let (ext, magic) = kinds[index % kinds.count]
            let name = "files/attachment-\(index + 1).\(ext)"
            let size = 1024 + rng.below(16 * 1024)
            try write(magic: magic, size: size, to: folder + "/" + name, rng: &rng)
            attachments.append(GeneratedAttachment(path: name, ext: ext, size: size))
        }
        for name in ["avatar-1", "avatar-2", "avatar-3", "team-1", "team-2"] {
            try write(magic: kinds[0].1, size: 512 + rng.below(2048), to: "\(folder)/files/\(name).png", rng: &rng)
        }
        return attachments
    }

    private func write(magic: [UInt8], size: Int, to path: String, rng: inout SplitMix64) throws {
        var bytes = magic
        while bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw ExportError.cannotWrite(path)
        }
    }
}
