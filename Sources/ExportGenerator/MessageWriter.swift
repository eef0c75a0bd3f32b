import Foundation

/// Writes `messages/p2p.jsonl` and `messages/team.jsonl` in the migration plan's line format.
struct MessageWriter {
    let spec: ExportSpec
    let friendPairs: [(String, String)]
    let groups: [GeneratedGroup]
    let attachments: [GeneratedAttachment]
    private var time: Int = 1_672_531_200_000
    private var msgid = 0

    init(
        spec: ExportSpec, friendPairs: [(String, String)], groups: [GeneratedGroup], attachments: [GeneratedAttachment]
    ) {
        self.spec = spec
        self.friendPairs = friendPairs
        self.groups = groups
        self.attachments = attachments
    }

    mutating func write(folder: String, rng: inout SplitMix64, summary: inout ExportWriter.Summary) throws {
        let p2p = try LineFile(path: folder + "/messages/p2p.jsonl")
        let team = try LineFile(path: folder + "/messages/team.jsonl")
        for _ in 0..<spec.messages {
            time += 1 + rng.below(90_000)
            msgid += 1
            if friendPairs.isEmpty || rng.chance(0.4) {
                try team.write(teamMessage(rng: &rng))
            } else {
                try p2p.write(p2pMessage(rng: &rng))
            }
        }
        try p2p.close()
        try team.close()
        summary.p2pMessages = p2p.lines
        summary.teamMessages = team.lines
    }

    private mutating func p2pMessage(rng: inout SplitMix64) -> String {
        var (from, to) = rng.pick(friendPairs)
        if rng.chance(0.5) { swap(&from, &to) }
        var data = header(rng: &rng)
        data.add("from", from)
        data.add("to", to)
        return wrap(data: &data, type: body(into: &data, rng: &rng), rng: &rng)
    }

    private mutating func teamMessage(rng: inout SplitMix64) -> String {
        let group = rng.pick(groups)
        let sender = rng.chance(0.2) ? group.owner : rng.pick(group.members)
        var data = header(rng: &rng)
        data.add("accid", sender)
        data.add("tid", group.gid)
        let type: Int
        if rng.chance(0.05) {
            type = notification(into: &data, group: group, rng: &rng)
        } else {
            type = body(into: &data, rng: &rng)
        }
        return wrap(data: &data, type: type, rng: &rng)
    }

    private mutating func header(rng: inout SplitMix64) -> JSONLine {
        var data = JSONLine()
        if rng.chance(0.5) { data.add("ext", "{\"src\":\"old\"}") }
        if rng.chance(0.15) { data.add("createTime", String(time)) } else { data.add("createTime", time) }
        let client = rng.pick([1, 2, 4, 16, 64])
        if rng.chance(0.3) { data.add("clientType", String(client)) } else { data.add("clientType", client) }
        data.add("msgid", msgid)
        return data
    }

    private func wrap(data: inout JSONLine, type: Int, rng: inout SplitMix64) -> String {
        var line = JSONLine()
        line.addRaw("data", data.text)
        if rng.chance(0.1) { line.add("type", String(type)) } else { line.add("type", type) }
        return line.text
    }

    /// Adds a body or attach for a chat message and returns its type.
    private func body(into data: inout JSONLine, rng: inout SplitMix64) -> Int {
        let roll = rng.below(100)
        switch roll {
        case 0..<70:
            data.add("body", rng.pick(ExportWriter.phrases))
            return 0
        case 70..<78: return media(1, into: &data, rng: &rng)
        case 78..<84: return media(2, into: &data, rng: &rng)
        case 84..<88: return media(3, into: &data, rng: &rng)
        case 88..<93:
            attach(
                ["lng": "116.\(rng.below(999_999))", "lat": "39.\(rng.below(999_999))", "title": "新华南路 145 号"],
                into: &data, rng: &rng)
            return 4
        case 93..<96: return media(6, into: &data, rng: &rng)
        default:
            attach(["type": "1", "desc": "作息", "url": ""], into: &data, rng: &rng)
            return 100
        }
    }

    private func media(_ type: Int, into data: inout JSONLine, rng: inout SplitMix64) -> Int {
        let wanted = ["png", "amr", "mp4", "pdf"][[1: 0, 2: 1, 3: 2, 6: 3][type] ?? 0]
        let file = attachments.first { $0.ext == wanted } ?? attachments[0]
        var fields: [String: String] = [
            "url": spec.attachmentBase.map { "\($0)/\(file.path.dropFirst("files/".count))" } ?? file.path,
            "ext": file.ext, "size": String(file.size), "name": "文件\(msgid)",
        ]
        if type == 1 || type == 3 {
            fields["w"] = "1040"
            fields["h"] = "780"
        }
        if type == 2 || type == 3 { fields["dur"] = String(1000 + rng.below(60_000)) }
        attach(fields, into: &data, rng: &rng)
        return type
    }

    /// `attach` as a JSON string (the plan's examples) or as an object (also accepted).
    private func attach(_ fields: [String: String], into data: inout JSONLine, rng: inout SplitMix64) {
        var object = JSONLine()
        let numeric: Set<String> = ["size", "w", "h", "dur"]
        for key in fields.keys.sorted() {
            if numeric.contains(key), let value = fields[key] {
                object.addRaw(key, value)
            } else {
                object.add(key, fields[key] ?? "")
            }
        }
        if rng.chance(0.7) { data.add("attach", object.text) } else { data.addRaw("attach", object.text) }
    }

    /// Group notifications 101–110 in the plan's shapes.
    private func notification(into data: inout JSONLine, group: GeneratedGroup, rng: inout SplitMix64) -> Int {
        let type = 101 + rng.below(10)
        switch type {
        case 101...106, 108: data.add("accid2", rng.pick(group.members))
        case 107:
            var tinfo = JSONLine()
            if rng.chance(0.5) { tinfo.add("14", "新的群介绍") } else { tinfo.add("16", String(rng.below(3))) }
            tinfo.add("tid", group.gid)
            data.addRaw("tinfo", tinfo.text)
        default: break
        }
        return type
    }
}
