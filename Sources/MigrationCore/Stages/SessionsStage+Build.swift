internal import Foundation

extension SessionsStage {
    /// Builds the sessions from scratch and writes the shards.
    func build(_ context: StageContext) async throws {
        let database = context.database
        try database.clearSessions()
        try await readHistory(database)
        try await readKnownSessions(database, context)
        try await spreadTeams(database)
        try writeShards(database)
    }

    private func readHistory(_ database: StateDatabase) async throws {
        let folder = services.outputDirectory + "/history"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".txt")
        }.sorted()
        for name in names {
            var batch: [JSONValue] = []
            func flush() throws {
                try database.sessionBatch { tx in
                    for message in batch { try Self.add(message, tx) }
                }
                batch.removeAll(keepingCapacity: true)
            }
            try await LineReader(path: folder + "/" + name).forEachLine { _, bytes in
                if let bytes, let json = try? JSONValue.parse(bytes) { batch.append(json) }
                if batch.count >= 10_000 { try flush() }
            }
            try flush()
        }
    }

    private static func add(_ message: JSONValue, _ tx: SessionTransaction) throws {
        guard let data = message["data"], let type = message["type"]?.int, let time = data["createTime"]?.int else {
            return
        }
        let summary = summary(type: Int(type), body: data["body"]?.string)
        if let tid = data["tid"]?.string {
            try tx.addTeamMessage(tid: tid, time: time, summary: summary)
        } else if let from = data["from"]?.string, let to = data["to"]?.string {
            try tx.addMessage(owner: from, type: 1, target: to, time: time, summary: summary)
            try tx.addMessage(owner: to, type: 1, target: from, time: time, summary: summary)
        }
    }

    /// `sessions.jsonl`: pre-migration sessions, by source ids.
    private func readKnownSessions(_ database: StateDatabase, _ context: StageContext) async throws {
        guard services.export.has(Self.file) else { return }
        var problems: [Problem] = []
        var lines: [(Int, Data)] = []
        var book = AccountBook()
        let origin = context.origins.locate(Self.file, 1).file
        func flush() throws {
            try database.sessionBatch { tx in
                for (line, bytes) in lines {
                    if let problem = try Self.addKnown(bytes, line: line, tx, stage: id) {
                        problems.append(problem)
                        book.reported(origin)
                    } else {
                        book.passed(origin)
                    }
                }
            }
            lines.removeAll(keepingCapacity: true)
        }
        try await LineReader(path: services.export.path(Self.file)).forEachLine { number, bytes in
            book.read(origin)
            guard let bytes else {
                book.reported(origin)
                problems.append(
                    Problem(
                        stage: id, file: Self.file, line: number, code: "line-too-long",
                        message: "line is longer than 1 MiB"))
                return
            }
            lines.append((number, bytes))
            if lines.count >= 10_000 { try flush() }
        }
        try flush()
        try await context.report(problems)
        try await database.setAccounts(layer: id.rawValue, book)
    }

    private static func addKnown(_ bytes: Data, line: Int, _ tx: SessionTransaction, stage: StageID) throws -> Problem?
    {
        func problem(_ code: String, _ message: String) -> Problem {
            Problem(stage: stage, file: file, line: line, code: code, message: message)
        }
        guard let json = try? JSONValue.parse(bytes) else { return problem("invalid-json", "not a JSON object") }
        guard let ownerRef = json["accid"]?.string, let kind = json["type"]?.string,
            let targetRef = json["target"]?.string,
            let time = json["updateTime"]?.int
        else { return problem("missing-field", "accid, type, target and updateTime are required") }
        guard case .migrated(let owner) = try tx.resolveUser(ownerRef) else {
            return problem("unknown-user", "accid '\(ownerRef)' is not migrated: session left out")
        }
        let lastMsg = json["lastMsg"]?.string
        switch kind {
        case "p2p":
            guard case .migrated(let peer) = try tx.resolveUser(targetRef) else {
                return problem("unknown-user", "target '\(targetRef)' is not migrated: session left out")
            }
            try tx.addKnownSession(owner: owner, type: 1, target: peer, time: time, lastMsg: lastMsg)
        case "team":
            guard let tid = try tx.newID(.team, old: targetRef) else {
                return problem("unknown-team", "target \(targetRef) is not a migrated group: session left out")
            }
            try tx.addKnownSession(owner: owner, type: 2, target: tid, time: time, lastMsg: lastMsg)
        default:
            return problem("invalid-field", "type must be p2p or team")
        }
        return nil
    }

    /// Every member of a team with history gets the team's session.
    private func spreadTeams(_ database: StateDatabase) async throws {
        let teams = try await database.allItems(stage: .groups, status: .done).compactMap {
            item -> (String, [String])? in
            guard let tid = item.result, let plan = decodeJSON(GroupPlan.self, item.payload) else { return nil }
            return (tid, [plan.owner] + plan.members)
        }
        try database.sessionBatch { tx in
            for (tid, members) in teams { try tx.spreadTeam(tid: tid, members: members) }
        }
    }

    /// The shards, written beside the output folder and swapped in when complete.
    private func writeShards(_ database: StateDatabase) throws {
        let fm = FileManager.default
        let final = services.outputDirectory + "/sessions"
        let temporary = services.outputDirectory + "/sessions.partial"
        try? fm.removeItem(atPath: temporary)
        try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        var shards: [BufferedFile] = []
        for index in 0..<Self.shards {
            shards.append(try BufferedFile(path: temporary + "/sessions-\(index < 10 ? "0" : "")\(index).jsonl"))
        }
        try database.forEachUserSessions(limit: services.config.sessions.limit) { owner, sessions in
            var line = JSONLineText()
            line.add("accid", .string(owner))
            line.add(
                "sessions",
                .array(
                    sessions.map { s in
                        var fields: [String: JSONValue] = [
                            "type": .string(s.type == 1 ? "p2p" : "team"), "target": .string(s.target),
                            "updateTime": .int(s.updateTime), "count": .int(Int64(s.count)),
                        ]
                        if let last = s.lastMsg { fields["lastMsg"] = .string(last) }
                        return .object(fields)
                    }))
            try shards[Int(HistoryNormalizer.stableID(owner) % Int64(Self.shards))].writeLine(line.text.utf8)
        }
        // Synced before the folder is swapped in: a crash never leaves a complete-looking folder short.
        for shard in shards { try shard.close() }
        try? fm.removeItem(atPath: final)
        try fm.moveItem(atPath: temporary, toPath: final)
    }
}

/// A JSON object line with keys in insertion order.
struct JSONLineText {
    private var parts: [String] = []

    mutating func add(_ key: String, _ value: JSONValue) {
        var out = ""
        JSONValue.quote(key, into: &out)
        out += ":" + value.text
        parts.append(out)
    }

    var text: String { "{" + parts.joined(separator: ",") + "}" }
}
