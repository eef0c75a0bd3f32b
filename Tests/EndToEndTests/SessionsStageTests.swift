import ExportGenerator
import Foundation
import MigrationCore
import Testing

/// Sessions built by the stage equal a brute-force computation from the history files, the
/// pre-migration sessions and the teams; with `create_conversations` the emulator holds exactly
/// those conversations.
@Suite struct SessionsStageTests {
    struct Session: Equatable, CustomStringConvertible {
        var type: Int
        var target: String
        var time: Int64
        var last: String?
        var count: Int
        var description: String { "\(type)|\(target)|\(time)|\(last ?? "-")|\(count)" }
    }

    /// SPEC §5's last-message text: a text's first 100 characters, else the type's placeholder.
    static func summary(_ type: Int, _ body: String?) -> String {
        let placeholders = [1: "[image]", 2: "[audio]", 3: "[video]", 4: "[location]", 6: "[file]", 100: "[custom]"]
        return type == 0 || type == 10 ? String((body ?? "").prefix(100)) : placeholders[type] ?? "[notification]"
    }

    @Test func sessionsMatchABruteForceComputationAndBecomeConversations() async throws {
        let dir = try Processes.temporaryDirectory()
        _ = try ExportWriter(spec: ExportSpec(users: 60, groups: 4, messages: 2500, seed: 5, bigGroupMembers: 40))
            .write(to: dir + "/export")
        try await withTarget(secret: "s", limit: 5000) { target in
            let limit = 4
            let pipeline = try target.pipeline(
                in: dir, name: "s", stages: [.users, .relations, .groups, .files, .history, .sessions], rate: 2000,
                v2: true, extra: ["sessions: {limit: \(limit), create_conversations: true}"])
            let run = try await pipeline.run()
            #expect(run.code == 0, "\(run.stderr)")

            // Brute force: every message of the history files, in file order.
            var sessions: [String: [String: Session]] = [:]
            func add(
                _ owner: String, _ type: Int, _ target: String, _ time: Int64, _ last: String?, count: Int,
                known: Bool = false
            ) {
                let key = "\(type)|\(target)"
                var s = sessions[owner]?[key] ?? Session(type: type, target: target, time: time, last: last, count: 0)
                if known ? time > s.time : time >= s.time { s.last = last }
                s.time = max(s.time, time)
                s.count += count
                sessions[owner, default: [:]][key] = s
            }
            var teamActivity: [String: Session] = [:]
            for name in ["p2p-0001.txt", "team-0001.txt"] {
                for line in try pipeline.lines("history/" + name) {
                    let json = try JSONValue.parse(Data(line.utf8))
                    let data = try #require(json["data"])
                    let type = Int(try #require(json["type"]?.int))
                    let time = try #require(data["createTime"]?.int)
                    let text = Self.summary(type, data["body"]?.string)
                    if let tid = data["tid"]?.string {
                        var s = teamActivity[tid] ?? Session(type: 2, target: tid, time: time, last: text, count: 0)
                        if time >= s.time { s.last = text }
                        s.time = max(s.time, time)
                        s.count += 1
                        teamActivity[tid] = s
                    } else if let from = data["from"]?.string, let to = data["to"]?.string {
                        add(from, 1, to, time, text, count: 1)
                        add(to, 1, from, time, text, count: 1)
                    }
                }
            }
            // Pre-migration sessions (the generated export's accids are valid and lower-case to NIM's).
            let database = try StateDatabase(path: dir + "/state/s.sqlite")
            for line in try String(contentsOfFile: dir + "/export/sessions.jsonl", encoding: .utf8).split(
                separator: "\n")
            {
                let json = try JSONValue.parse(Data(line.utf8))
                let owner = try #require(json["accid"]?.string).lowercased()
                let time = try #require(json["updateTime"]?.int)
                if json["type"]?.string == "p2p" {
                    add(
                        owner, 1, try #require(json["target"]?.string).lowercased(), time, json["lastMsg"]?.string,
                        count: 0, known: true)
                } else {
                    let gid = try #require(json["target"]?.string)
                    let tid = try #require(try await database.newID(.team, old: gid))
                    add(owner, 2, tid, time, json["lastMsg"]?.string, count: 0, known: true)
                }
            }
            let dump = try await target.dump()
            for team in dump["teams"]?.array ?? [] {
                guard let tid = team["tid"]?.string, let activity = teamActivity[tid] else { continue }
                let members = [team["owner"]?.string ?? ""] + (team["members"]?.array.compactMap(\.string) ?? [])
                for member in members {
                    let key = "2|\(tid)"
                    var s = sessions[member]?[key] ?? activity
                    if activity.time >= s.time { s.last = activity.last }
                    s.time = max(s.time, activity.time)
                    s.count = activity.count
                    sessions[member, default: [:]][key] = s
                }
            }
            var expected: [String: [Session]] = [:]
            for (owner, byKey) in sessions {
                expected[owner] = Array(
                    byKey.values.sorted { ($1.time, $0.type, $0.target) < ($0.time, $1.type, $1.target) }.prefix(limit))
            }

            var got: [String: [Session]] = [:]
            let folder = pipeline.state + "/sessions"
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                for line in try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n") {
                    let json = try JSONValue.parse(Data(line.utf8))
                    got[try #require(json["accid"]?.string)] = (json["sessions"]?.array ?? []).map {
                        Session(
                            type: $0["type"]?.string == "p2p" ? 1 : 2, target: $0["target"]?.string ?? "",
                            time: $0["updateTime"]?.int ?? 0, last: $0["lastMsg"]?.string,
                            count: Int($0["count"]?.int ?? 0)
                        )
                    }
                }
            }
            #expect(got.count == expected.count && got.count > 50)
            for (owner, list) in expected { #expect(got[owner] == list, "\(owner)") }

            let conversations = Set((dump["conversations"]?.array ?? []).compactMap { $0["conversation_id"]?.string })
            let wanted = Set(expected.flatMap { owner, list in list.map { "\(owner)|\($0.type)|\($0.target)" } })
            #expect(conversations == wanted)
        }
    }
}
