internal import Foundation

/// `nim-migrate verify`: reads back what the run says it migrated — accounts
/// (`user/getUinfos.action`, 200 per call), friendships (`friend/get.action`), blacklists and mute
/// lists (`user/listBlackAndMuteList.action`), teams with members (`team/query.action`, 10 per
/// call) and muted members (`team/listTeamMute.action`) — and lists every difference.
public struct Verifier: Sendable {
    let database: StateDatabase
    let client: NIMClient

    public init(database: StateDatabase, client: NIMClient) {
        self.database = database
        self.client = client
    }

    /// Checks every entity kind and returns the report.
    public func verify() async throws -> VerifyReport {
        var report = VerifyReport()
        try await verifyUsers(&report)
        try await verifyRelations(&report)
        try await verifyTeams(&report)
        return report
    }

    func doneItems(_ stage: StageID, kind: String? = nil) async throws -> [WorkItem] {
        try await database.allItems(stage: stage, status: .done, kind: kind)
    }

    private func verifyUsers(_ report: inout VerifyReport) async throws {
        let users = try await doneItems(.users).compactMap { decodeJSON(SourceUser.self, $0.payload) }
        var found = 0
        for batch in GroupPlan.chunks(users.map(\.accid), 200) {
            let response = try await client.send(.getUserInfos(batch), stage: .users)
            var byAccid: [String: JSONValue] = [:]
            for info in response["uinfos"]?.array ?? [] {
                if let accid = info["accid"]?.string { byAccid[accid] = info }
            }
            for user in users where batch.contains(user.accid) {
                guard let info = byAccid[user.accid] else {
                    report.add("users", "account \(user.accid) is missing")
                    continue
                }
                found += 1
                let fields: [(String, String?)] = [
                    ("name", user.name), ("sign", user.sign), ("email", user.email), ("birth", user.birth),
                    ("mobile", user.mobile), ("ex", user.ex), ("gender", user.gender.map(String.init)),
                ]
                for (key, expected) in fields where expected != nil && info[key]?.string != expected {
                    report.add(
                        "users",
                        "account \(user.accid): \(key) is \(info[key]?.text ?? "absent"), expected \(expected ?? "")")
                }
            }
        }
        report.count("users", expected: users.count, found: found)
    }

    private func verifyRelations(_ report: inout VerifyReport) async throws {
        let pairs = try await doneItems(.relations, kind: "friend").compactMap { item -> (String, String)? in
            let parts = item.key.dropFirst("friend:".count).split(separator: "|").map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        let aliases = try await doneItems(.relations, kind: "alias").compactMap {
            decodeJSON(RelationsStage.AliasPayload.self, $0.payload)
        }
        var friends: [String: [String: JSONValue]] = [:]
        for accid in Set(pairs.flatMap { [$0.0, $0.1] }).sorted() {
            let response = try await client.send(.getFriends(accid: accid), stage: .relations)
            var list: [String: JSONValue] = [:]
            for friend in response["friends"]?.array ?? [] {
                if let faccid = friend["faccid"]?.string { list[faccid] = friend }
            }
            friends[accid] = list
        }
        var found = 0
        for (a, b) in pairs {
            if friends[a]?[b] != nil && friends[b]?[a] != nil {
                found += 1
            } else {
                report.add("friends", "friendship \(a) – \(b) is missing")
            }
        }
        report.count("friends", expected: pairs.count, found: found)
        for alias in aliases {
            guard let friend = friends[alias.accid]?[alias.faccid] else { continue }
            if let expected = alias.alias, friend["alias"]?.string != expected {
                report.add(
                    "friends",
                    "alias of \(alias.faccid) for \(alias.accid) is \(friend["alias"]?.text ?? "absent"), expected \(expected)"
                )
            }
        }
        let blocks = try await doneItems(.relations, kind: "block").compactMap {
            decodeJSON(RelationsStage.BlockPayload.self, $0.payload)
        }
        var lists: [String: (black: Set<String>, mute: Set<String>)] = [:]
        for accid in Set(blocks.map(\.accid)).sorted() {
            let response = try await client.send(.listBlackAndMute(accid: accid), stage: .relations)
            lists[accid] = (
                Set((response["blacklist"]?.array ?? []).compactMap(\.string)),
                Set((response["mutelist"]?.array ?? []).compactMap(\.string))
            )
        }
        var blocksFound = 0
        for block in blocks {
            let list = block.relationType == 1 ? lists[block.accid]?.black : lists[block.accid]?.mute
            if list?.contains(block.target) == true {
                blocksFound += 1
            } else {
                let name = block.relationType == 1 ? "blacklist" : "mute list"
                report.add("blocklists", "\(block.target) is missing from the \(name) of \(block.accid)")
            }
        }
        report.count("blocklists", expected: blocks.count, found: blocksFound)
    }
}
