import Foundation

/// Writes a deterministic canonical export (SPEC §4): users, friends, blocklist, groups, messages
/// of every type (p2p and team, group notifications 101–110 included), recent sessions and a
/// handful of attachment files. Realistic mess is part of the design: mixed-case accids, Chinese
/// text, `type`/`createTime`/`clientType` sometimes strings, `attach` as string or object, `ext`
/// often absent. The same spec always gives the same bytes.
public struct ExportWriter {
    public let spec: ExportSpec

    public init(spec: ExportSpec) {
        self.spec = spec
    }

    /// What was written.
    public struct Summary: Sendable, CustomStringConvertible {
        public var users = 0
        public var friends = 0
        public var blocks = 0
        public var groups = 0
        public var p2pMessages = 0
        public var teamMessages = 0
        public var sessions = 0
        public var files = 0

        public var description: String {
            "\(users) users, \(friends) friend lines, \(blocks) blocklist lines, \(groups) groups, "
                + "\(p2pMessages) p2p and \(teamMessages) team messages, \(sessions) sessions, \(files) files"
        }
    }

    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]
    static let given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超"]
    static let bases = ["zhang.wei", "Li_Na", "wangFang", "liu-yang", "Chen.Jing", "yangMing", "zhao_lei", "HuangLi"]
    static let phrases = ["你好", "在吗？", "明天开会", "收到，谢谢", "Let's ship it", "周末一起吃饭吧", "👍", "好的 OK"]

    /// Writes the export into `folder` (created).
    public func write(to folder: String) throws -> Summary {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/messages", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: folder + "/files", withIntermediateDirectories: true)
        var rng = SplitMix64(seed: spec.seed)
        var summary = Summary()
        let accids = (0..<spec.users).map { index in "\(Self.bases[index % Self.bases.count])\(index + 1)" }

        let users = try LineFile(path: folder + "/users.jsonl")
        for (index, accid) in accids.enumerated() {
            try users.write(userLine(accid, index: index, rng: &rng))
        }
        try users.close()
        summary.users = users.lines

        let friendPairs = try writeFriends(accids, folder: folder, rng: &rng, summary: &summary)
        try writeBlocklist(accids, folder: folder, rng: &rng, summary: &summary)
        let groups = try writeGroups(accids, folder: folder, rng: &rng, summary: &summary)
        let attachments = try writeAttachments(folder: folder, rng: &rng)
        summary.files = attachments.count
        var messages = MessageWriter(
            spec: spec, friendPairs: friendPairs, groups: groups, attachments: attachments)
        try messages.write(folder: folder, rng: &rng, summary: &summary)
        try writeSessions(
            accids, friendPairs: friendPairs, groups: groups, folder: folder, rng: &rng, summary: &summary)
        return summary
    }

    private func userLine(_ accid: String, index: Int, rng: inout SplitMix64) -> String {
        var line = JSONLine()
        line.add("accid", accid)
        line.add("name", rng.pick(Self.surnames) + rng.pick(Self.given) + (rng.chance(0.5) ? rng.pick(Self.given) : ""))
        if rng.chance(0.1) { line.add("icon", "files/avatar-\(index % 3 + 1).png") }
        if rng.chance(0.5) { line.add("sign", rng.pick(Self.phrases)) }
        if rng.chance(0.4) { line.add("email", "\(accid.lowercased())@example.com") }
        if rng.chance(0.3) { line.add("birth", "19\(70 + rng.below(30))-0\(1 + rng.below(9))-1\(rng.below(9))") }
        if rng.chance(0.3) { line.add("mobile", "1\(38_000_000_00 + rng.below(99_999_999))") }
        line.add("gender", rng.below(3))
        if rng.chance(0.2) { line.add("ex", "{\"level\":\(rng.below(10))}") }
        if rng.chance(0.25) { line.add("token", "tok\(rng.next() % 1_000_000_000)") }
        return line.text
    }

    private func writeFriends(
        _ accids: [String], folder: String, rng: inout SplitMix64, summary: inout Summary
    ) throws -> [(String, String)] {
        let file = try LineFile(path: folder + "/friends.jsonl")
        var seen = Set<String>()
        var pairs: [(String, String)] = []
        for (index, accid) in accids.enumerated() {
            for _ in 0..<(2 + rng.below(4)) {
                let other = accids[(index + 1 + rng.below(accids.count - 1)) % accids.count]
                let key = [accid.lowercased(), other.lowercased()].sorted().joined(separator: "|")
                guard other != accid, seen.insert(key).inserted else { continue }
                pairs.append((accid, other))
                try file.write(friendLine(accid, other, rng: &rng))
                if rng.chance(0.2) { try file.write(friendLine(other, accid, rng: &rng)) }
            }
        }
        try file.close()
        summary.friends = file.lines
        return pairs
    }

    private func friendLine(_ a: String, _ b: String, rng: inout SplitMix64) -> String {
        var line = JSONLine()
        line.add("accid", a)
        line.add("faccid", b)
        if rng.chance(0.3) { line.add("alias", "老" + rng.pick(Self.given)) }
        if rng.chance(0.1) { line.add("ex", "{\"tag\":\"colleague\"}") }
        line.add("createTime", 1_600_000_000_000 + rng.below(60_000_000_000))
        return line.text
    }

    private func writeBlocklist(_ accids: [String], folder: String, rng: inout SplitMix64, summary: inout Summary)
        throws
    {
        let file = try LineFile(path: folder + "/blocklist.jsonl")
        for index in stride(from: 0, to: accids.count, by: 17) {
            var line = JSONLine()
            line.add("accid", accids[index])
            line.add("targetAcc", accids[(index + 5) % accids.count])
            line.add("relationType", rng.chance(0.7) ? 1 : 2)
            try file.write(line.text)
        }
        try file.close()
        summary.blocks = file.lines
    }

    private func writeSessions(
        _ accids: [String], friendPairs: [(String, String)], groups: [GeneratedGroup], folder: String,
        rng: inout SplitMix64, summary: inout Summary
    ) throws {
        let file = try LineFile(path: folder + "/sessions.jsonl")
        for (a, b) in friendPairs.prefix(accids.count / 4) {
            var line = JSONLine()
            line.add("accid", a)
            line.add("type", "p2p")
            line.add("target", b)
            line.add("updateTime", 1_640_000_000_000 + rng.below(1_000_000_000))
            line.add("lastMsg", rng.pick(Self.phrases))
            try file.write(line.text)
        }
        for group in groups.prefix(4) {
            var line = JSONLine()
            line.add("accid", group.owner)
            line.add("type", "team")
            line.addRaw("target", String(group.gid))
            line.add("updateTime", 1_640_000_000_000 + rng.below(1_000_000_000))
            try file.write(line.text)
        }
        try file.close()
        summary.sessions = file.lines
    }
}
