import Foundation
import Synchronization
import Testing

@testable import DualRun
@testable import MigrationCore

/// Old → NIM, the changes (SPEC §7 `/old/events`): over loopback to a live serve and emulator,
/// checked against the emulator's resulting state.
@Suite struct ServeEventsTests {
    static let t0: Int64 = 1_700_000_000_000

    /// One canonical event.
    static func event(_ id: String, _ offset: Int64, _ type: String, _ fields: String) -> String {
        "{\"id\":\"\(id)\",\"time\":\(t0 + offset),\"type\":\"\(type)\"\(fields.isEmpty ? "" : ",")\(fields)}"
    }

    @Test func usersFriendsBlocksAndGroupsReachNIMOnceInTimeOrder() async throws {
        try await ServeFixture.with { fixture in
            // Posted out of time order and partly twice: applied per scope in time order, each once.
            let events = [
                Self.event(
                    "e3", 3, "friend.added", #""accid":"User1","faccid":"Newbie","alias":"nb","ex":"{\"k\":1}""#),
                Self.event("e1", 1, "user.created", #""user":{"accid":"Newbie","name":"New","token":"tok-1"}"#),
                Self.event("e2", 2, "user.updated", #""user":{"accid":"Newbie","name":"Renamed","sign":"hello"}"#),
                Self.event("e4", 4, "block.added", #""accid":"User2","targetAcc":"Newbie","relationType":1"#),
                Self.event(
                    "e5", 5, "group.created",
                    #""group":{"gid":"g9","tname":"Nine","owner":"User0","members":["User1","Newbie"],"admins":["User1"],"intro":"hi"}"#
                ),
                Self.event("e6", 6, "group.members_added", #""gid":"g9","accids":["User2","User3"]"#),
                Self.event("e7", 7, "group.member_muted", #""gid":"g9","accid":"User3","mute":true"#),
                Self.event("e8", 8, "group.owner_changed", #""gid":"g9","owner":"User1""#),
                Self.event("e9", 9, "group.members_removed", #""gid":"g9","accids":["User2"]"#),
                Self.event(
                    "e10", 10, "group.updated",
                    #""group":{"gid":"g9","tname":"Nine!","muteAll":true,"joinmode":1,"teamMemberLimit":150}"#),
                Self.event("e11", 11, "friend.removed", #""accid":"User3","faccid":"User4""#),
                Self.event("e12", 12, "group.dismissed", #""gid":"g1""#),
            ]
            _ = try await fixture.client.send(.addFriend(accid: "user3", faccid: "user4"), stage: .relations)
            let first = try await fixture.postEvents(events)
            #expect(first["stored"]?.int == 12)
            let again = try await fixture.postEvents(Array(events.prefix(6)))
            #expect(again["stored"]?.int == 0)
            #expect(again["duplicates"]?.int == 6)
            let health = try await fixture.drained()
            let pending = try await fixture.call("GET", "/failed").json.text
            #expect(health["events_applied"]?.int == 12, "\(health.text) \(pending)")
            #expect(health["failed"]?.int == 0)

            let nim = try await fixture.nimState()
            let user = nim["users"]?.array.first { $0["accid"]?.string == "newbie" }
            #expect(user?["name"]?.string == "Renamed")
            #expect(user?["sign"]?.string == "hello")
            #expect(user?["token"]?.string == "tok-1")
            let friends = (nim["friends"]?.array ?? []).map {
                "\($0["accid"]?.string ?? "")>\($0["faccid"]?.string ?? "")"
            }
            #expect(friends.contains("user1>newbie") && friends.contains("newbie>user1"))
            #expect(!friends.contains("user3>user4") && !friends.contains("user4>user3"))
            let alias = nim["friends"]?.array.first {
                $0["accid"]?.string == "user1" && $0["faccid"]?.string == "newbie"
            }?["alias"]?.string
            #expect(alias == "nb")
            #expect(nim["specialRelations"]?.array.map { $0["accid"]?.string } == ["user2"])
            let tid = try #require(try await fixture.state.newID(.team, old: "g9"))
            let team = try #require(nim["teams"]?.array.first { $0["tid"]?.int.map(String.init) == tid })
            #expect(team["tname"]?.string == "Nine!")
            #expect(team["joinmode"]?.int == 1 && team["teamMemberLimit"]?.int == 150)
            #expect(team["owner"]?.string == "user1")
            #expect(Set(team["members"]?.array.compactMap(\.string) ?? []) == ["user0", "newbie", "user3"])
            #expect(team["muted"]?.array.compactMap(\.string) == ["user3"])
            #expect(team["muteType"]?.int == 1)
            #expect(nim["teams"]?.array.contains { $0["tid"]?.int.map(String.init) == fixture.tid } == false)
            // The new account resolves like a migrated one (messages to it map), and is in `ids`.
            #expect(try await fixture.state.resolveUser("Newbie") == .migrated("newbie"))
            let listed = Mutex<[String]>([])
            try await fixture.state.forEachMapping(.user) { mapping in
                listed.withLock { $0.append("\(mapping.old)>\(mapping.new)") }
            }
            #expect(listed.withLock { $0.contains("Newbie>newbie") })
            try await fixture.state.forEachMapping(.team) { mapping in listed.withLock { $0.append(mapping.old) } }
            #expect(listed.withLock { $0.contains("g9") })
            let calls = nim["calls"]
            #expect(calls?["user/create.action"]?.int == 7)  // six by the fixture, one by the event
            #expect(calls?["team/create.action"]?.int == 2)
            #expect(calls?["team/changeOwner.action"]?.int == 1)
        }
    }

    @Test func aMessageToAUserAnEventCreatesLaterInTheBatchIsDelivered() async throws {
        try await ServeFixture.with { fixture in
            try await fixture.post([ServeFixture.p2p(1, from: "User0", to: "Late", text: "before you existed")])
            try await fixture.postEvents([Self.event("u1", 1, "user.created", #""user":{"accid":"Late"}"#)])
            let health = try await fixture.drained()
            #expect(health["failed"]?.int == 0)
            let messages = try await fixture.nimMessages()
            #expect(messages.map { $0["to"]?.string } == ["late"])
        }
    }

    @Test func whatCanNeverApplyIsAcceptedListedAndRetried() async throws {
        try await ServeFixture.with(dependencyWait: 0) { fixture in
            let reply = try await fixture.postEvents([
                Self.event("x1", 1, "team.teleported", #""gid":"g1""#),
                Self.event("x2", 2, "friend.added", #""accid":"User1","faccid":"Ghost""#),
            ])
            #expect(reply["stored"]?.int == 2)
            let refused = try await fixture.call(
                "POST", "/old/events", body: Data(#"[{"time":1,"type":"user.created"}]"#.utf8))
            #expect(refused.status == 400)
            let health = try await fixture.drained()
            #expect(health["failed"]?.int == 2)
            let listed = try await fixture.call("GET", "/failed").json["data"]?.array ?? []
            #expect(listed.map { $0["kind"]?.string } == ["event", "event"])
            #expect(listed.map { $0["id"]?.string } == ["x1", "x2"])
            #expect(listed.allSatisfy { $0["state"]?.string == "failed" })
            #expect(listed.last?["reason"]?.string?.contains("'Ghost' is not in NIM") == true)
            // The cause fixed (the account created after all), a retry applies it.
            try await fixture.postEvents([Self.event("g1", 3, "user.created", #""user":{"accid":"Ghost"}"#)])
            _ = try await fixture.drained()
            let retried = try await fixture.call("POST", "/failed/retry")
            #expect(retried.json["events"]?.int == 2)
            let after = try await fixture.drained()
            #expect(after["failed"]?.int == 1)  // the unknown type can never apply
            #expect(try await fixture.nimState()["friends"]?.array.count == 2)
        }
    }

    /// Easemob's recall callback (the corpus' `recall.json`: `recall_id`, `from`, `to`, no time) recalls
    /// the message it names, posted in whatever case: a recall needs no `createTime` to find a message
    /// serve relayed.
    @Test func easemobsRecallCallbackWithNoTimeRecallsTheRelayedMessage() async throws {
        try await ServeFixture.with { fixture in
            let now = StateDatabase.wallClockMillis()
            try await fixture.post([ServeFixture.p2p(966_475_220, from: "User0", to: "User1", text: "oops", time: now)])
            _ = try await fixture.drained()
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../Corpora/easemob/callbacks/events/recall.json")
            var callback = try JSONValue.parse(try Data(contentsOf: folder)).objectValue ?? [:]
            callback["recall_id"] = .string("966475220")
            callback["from"] = .string("USER0")
            callback["to"] = .string("user1")
            let reply = try await fixture.call("POST", "/old/events", body: Data(JSONValue.object(callback).text.utf8))
            #expect(reply.status == 200)
            let health = try await fixture.drained()
            let failed = try await fixture.call("GET", "/failed").json.text
            #expect(health["failed"]?.int == 0, "\(failed)")
            #expect(try await fixture.nimMessages().map { $0["recalled"]?.bool } == [true])
        }
    }

    @Test func recallsReachNIMAndNIMsRecallsReachTheOldServerButNotTheirEcho() async throws {
        let old = try await OldServer.start()
        defer { old.stop() }
        try await ServeFixture.with(oldServerURL: old.url) { fixture in
            let now = StateDatabase.wallClockMillis()
            try await fixture.post([
                ServeFixture.p2p(11, from: "User0", to: "User1", text: "oops", time: now),
                ServeFixture.team(12, from: "User1", text: "team oops", time: now),
            ])
            _ = try await fixture.drained()
            try await fixture.postEvents([
                Self.event(
                    "r1", 100, "message.recalled", #""msgid":11,"from":"User0","to":"User1","createTime":\#(now)"#),
                Self.event(
                    "r2", 101, "message.recalled", #""msgid":"12","from":"User1","gid":"g1","createTime":\#(now)"#),
            ])
            let health = try await fixture.drained()
            #expect(health["failed"]?.int == 0)
            let messages = try await fixture.nimMessages()
            #expect(messages.map { $0["recalled"]?.bool } == [true, true])
            let recalled = try #require(messages.first?["msgid"]?.int)

            // NIM's CC of that recall (made by this bridge through REST) is not echoed; one made in
            // the new app is forwarded, once, however often NIM delivers it.
            func recallCC(_ msgid: Int64, client: String) -> Data {
                Data(
                    (#"{"eventType":"7","from":"user0","to":"user1","msgId":"\#(msgid)","fromClientType":"\#(client)","#
                        + #""sendTime":"\#(now)","deleteTime":"\#(now + 1)","selfMsg":"recalled"}"#).utf8)
            }
            for body in [
                recallCC(recalled, client: "REST"), recallCC(424242, client: "IOS"), recallCC(424242, client: "IOS"),
            ] {
                let reply = try await fixture.call(
                    "POST", "/nim/cc", body: body, headers: ServeCCTests.headers(body), token: nil)
                #expect(reply.status == 200)
            }
            _ = try await fixture.drained()
            for _ in 0..<400 where old.count < 1 { try await Task.sleep(for: .milliseconds(25)) }
            let forwarded = old.received.withLock { $0 }
            #expect(forwarded.count == 1)
            #expect(forwarded.first.flatMap { try? JSONValue.parse($0) }?["msgId"]?.string == "424242")
        }
    }

    @Test func aRecallOfAMessageStillQueuedMeansItIsNeverSent() async throws {
        try await ServeFixture.with(dependencyWait: 600) { fixture in
            // The message waits for its recipient; the recall arrives meanwhile; then the recipient.
            let now = StateDatabase.wallClockMillis()
            try await fixture.post([ServeFixture.p2p(21, from: "User0", to: "Later", text: "regret", time: now)])
            try await fixture.postEvents([
                Self.event("r", 5, "message.recalled", #""msgid":21,"from":"User0","to":"Later","createTime":\#(now)"#),
                Self.event("u", 6, "user.created", #""user":{"accid":"Later"}"#),
            ])
            let health = try await fixture.drained()
            #expect(health["failed"]?.int == 0)
            #expect(try await fixture.nimMessages().isEmpty)
        }
    }

    /// Every documented Easemob event callback is taken: turned into the canonical kind it stands
    /// for, or acknowledged and dropped when it makes no change in NIM — never refused.
    @Test func easemobsPublishedCallbacksAreUnderstood() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Corpora/easemob/callbacks/events").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 30)
        var kinds: [String: String] = [:]
        for file in files.sorted() {
            let json = try JSONValue.parse(try Data(contentsOf: folder.appendingPathComponent(file)))
            switch OldEvent.read(json) {
            case .success(let events): kinds[file] = events.map(\.0.type).joined(separator: ",")
            case .failure(let rejection):
                #expect(rejection.ignorable, "\(file): \(rejection.reason)")
                kinds[file] = "ignored"
            }
        }
        #expect(kinds["group-create.json"] == "group.created")
        #expect(kinds["group-destroy.json"] == "group.dismissed")
        #expect(kinds["group-owner-transfer.json"] == "group.owner_changed")
        #expect(kinds["group-admin-add.json"] == "group.managers_added")
        #expect(kinds["recall.json"] == "message.recalled")
        #expect(kinds["contact-remove.json"] == "friend.removed")
        let created = try OldEvent.read(
            JSONValue.parse(try Data(contentsOf: folder.appendingPathComponent("group-create.json")))
        ).get()
        let body = try JSONValue.parse(Data(created[0].0.body.utf8))
        #expect(body["group"]?["owner"]?.string == "tst")
        #expect(body["group"]?["tname"]?.string == "测试01")
        #expect(body["group"]?["members"]?.array.compactMap(\.string) == ["abc"])
        #expect(body["group"]?["admins"]?.array.compactMap(\.string) == ["abc"])
        #expect(body["time"]?.int == 1_729_496_598_231)
        #expect(EasemobEvent.user("XXXX#XXXX_tst02@easemob.com/android_1") == "tst02")
        #expect(EasemobEvent.user("my-org#chatapp_tst_02@easemob.com") == "tst_02")
        #expect(EasemobEvent.user("tst02") == "tst02")
    }
}

extension ServeEventsTests {
    /// A message imported with the history (created before the cut-off, never through serve) is
    /// recalled by its history line's msgid and createTime; NIM refusing it is listed, not lost.
    @Test func aRecallOfAnImportedMessageUsesItsHistoryLineAndNIMsRefusalIsListed() async throws {
        try await ServeFixture.with(cutoff: 1_600_000_000_000, dependencyWait: 0) { fixture in
            try await fixture.postEvents([
                Self.event(
                    "h1", 1, "message.recalled", #""msgid":"abc-1","from":"User0","to":"User1","createTime":1500000000"#
                )
            ])
            let health = try await fixture.drained()
            #expect(health["failed"]?.int == 1)
            let listed = try await fixture.call("GET", "/failed").json["data"]?.array ?? []
            let reason = listed.first?["reason"]?.string ?? ""
            // The emulator holds no imported history: NIM's "not exist" is the reason, with the msgid
            // the history stage gives a non-numeric id (SPEC §9) and the createTime in ms.
            let msgid = HistoryNormalizer.stableID("abc-1")
            #expect(reason.contains("msg/recall.action") && reason.contains("\(msgid)"), "\(reason)")
            #expect(try await fixture.nimState()["calls"]?["msg/recall.action"]?.int == 1)
        }
    }
}

extension ServeEventsTests {
    /// Easemob's published callback bodies, posted as Easemob sends them (only the masked user ids
    /// replaced by the fixture's), change NIM as the canonical events do.
    @Test func easemobsOwnCallbacksPostedToServeChangeNIM() async throws {
        try await ServeFixture.with { fixture in
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../Corpora/easemob/callbacks/events").standardized
            func body(_ file: String, _ replacements: [(String, String)]) throws -> String {
                var text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
                return text
            }
            // (The masked avatar URL would only cost a download timeout: left empty.)
            let created = try body(
                "group-create.json",
                [
                    ("\"tst\"", "\"User0\""), ("_tst\"", "_User0\""), ("\"abc\"", "\"User1\""),
                    ("https://XXXX/XXXX/XXXX", ""),
                ])
            let joined = try body(
                "group-member-join-invite.json", [("262424566497281", "262246968131585"), ("\"tst0\"", "\"User2\"")])
            let befriended = try body("contact-accept.json", [("_XXXX@", "_User3@"), ("\"tst02\"", "\"User4\"")])
            let reply = try await fixture.postEvents([created, joined, befriended])
            #expect(reply["stored"]?.int == 3, "\(reply.text)")
            let health = try await fixture.drained()
            #expect(health["events_applied"]?.int == 3 && health["failed"]?.int == 0, "\(health.text)")
            let nim = try await fixture.nimState()
            let tid = try #require(try await fixture.state.newID(.team, old: "262246968131585"))
            let team = try #require(nim["teams"]?.array.first { $0["tid"]?.int.map(String.init) == tid })
            #expect(team["tname"]?.string == "测试01")
            #expect(team["intro"]?.string == "描述")
            #expect(team["owner"]?.string == "user0")
            #expect(Set(team["members"]?.array.compactMap(\.string) ?? []) == ["user1", "user2"])
            #expect(team["admins"]?.array.compactMap(\.string) == ["user1"])
            let friends = (nim["friends"]?.array ?? []).map {
                "\($0["accid"]?.string ?? "")>\($0["faccid"]?.string ?? "")"
            }
            #expect(Set(friends) == ["user3>user4", "user4>user3"])
        }
    }
}

extension ServeEventsTests {
    /// An account NIM has already (made by hand, or by an unanswered earlier attempt) gets the
    /// event's token and profile, so the app's login works.
    @Test func aUserCreatedThatNIMHasAlreadyGetsItsTokenAndProfile() async throws {
        try await ServeFixture.with { fixture in
            _ = try await fixture.client.send(.createUser(accid: "pre", token: "old-token"), stage: .users)
            try await fixture.postEvents([
                Self.event("p1", 1, "user.created", #""user":{"accid":"Pre","token":"new-token","name":"Pre Name"}"#)
            ])
            let health = try await fixture.drained()
            #expect(health["events_applied"]?.int == 1)
            let user = try await fixture.nimState()["users"]?.array.first { $0["accid"]?.string == "pre" }
            #expect(user?["token"]?.string == "new-token")
            #expect(user?["name"]?.string == "Pre Name")
        }
    }
}

extension ServeEventsTests {
    /// An event that waits says why, and so do the events of its scope queued behind it.
    @Test func aWaitingEventAndTheOnesBehindItAreListedAsHeldWithTheReason() async throws {
        try await ServeFixture.with { fixture in
            try await fixture.postEvents([
                Self.event("w1", 1, "group.created", #""group":{"gid":"gw","owner":"Someone","members":["User1"]}"#),
                Self.event("w2", 2, "group.members_added", #""gid":"gw","accids":["User2"]"#),
            ])
            var listed: [JSONValue] = []
            for _ in 0..<400 {
                listed = try await fixture.call("GET", "/failed").json["data"]?.array ?? []
                if listed.count == 2 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(listed.map { $0["id"]?.string } == ["w1", "w2"], "\(listed)")
            #expect(listed.allSatisfy { $0["state"]?.string == "held" })
            #expect(listed.first?["reason"]?.string?.contains("waits for user(s) Someone") == true, "\(listed)")
            #expect(
                listed.last?["reason"]?.string?.hasPrefix("group.members_added: waits behind event w1 of its scope")
                    == true, "\(listed)")
            // The owner's account arrives: both go.
            try await fixture.postEvents([Self.event("w0", 3, "user.created", #""user":{"accid":"Someone"}"#)])
            let health = try await fixture.drained()
            #expect(health["events_applied"]?.int == 3 && health["failed"]?.int == 0, "\(health.text)")
        }
    }
}

extension ServeEventsTests {
    /// NIM down for two seconds while changes arrive: they wait (nothing fails for it) and are
    /// applied once it answers again, each once.
    @Test func changesPostedWhileNIMIsDownAreAppliedWhenItIsBack() async throws {
        try await ServeFixture.with { fixture in
            let down = try await HTTP.call(
                "POST", fixture.emulator.baseURL + "/_emulator/outage?seconds=2&mode=unavailable", token: nil)
            #expect(down.json["code"]?.int == 200)
            try await fixture.postEvents(
                (1...5).map {
                    Self.event("o\($0)", Int64($0), "friend.added", #""accid":"User0","faccid":"User\#($0)""#)
                })
            let health = try await fixture.drained()
            #expect(health["events_applied"]?.int == 5 && health["failed"]?.int == 0, "\(health.text)")
            #expect(try await fixture.nimState()["friends"]?.array.count == 10)
        }
    }
}

extension ServeEventsTests {
    /// A p2p message and its two accounts' friendship and block changes reach NIM in the old
    /// server's time order, as a group's messages and changes do: the message written before the
    /// block is delivered, the one after it is stored as blacklisted (NIM does not deliver it).
    @Test func aPairsMessagesAndBlocksKeepTheOldServersOrder() async throws {
        try await Self.expectPairOrder(
            block: Self.event("p4", 4, "block.added", #""accid":"User1","targetAcc":"User0""#), at: Self.t0 + 4)
    }

    /// The same with the block as Easemob publishes its callback (`contact-block-add.json`: the
    /// `from` login id bans `to`), its own timestamp.
    @Test func anEasemobBlockCallbackOrdersThePairsMessagesToo() async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Corpora/easemob/callbacks/events/contact-block-add.json").standardized
        let block = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "_XXXX@", with: "_User1@").replacingOccurrences(of: "\"tst\"", with: "\"User0\"")
        try await Self.expectPairOrder(block: block, at: 1_642_648_046_912)
    }

    /// User1 blocks User0 at `time` (the `block` event); User0 writes to User1 5 ms before and 5 ms
    /// after, while an alias change 10 ms before waits (no friendship in NIM yet) and holds the
    /// pair's later changes and messages. The friendship, made 20 ms before, then arrives: the
    /// message before the block is delivered, the one after is stored as blacklisted.
    static func expectPairOrder(block: String, at time: Int64) async throws {
        try await ServeFixture.with { fixture in
            func event(_ id: String, _ offset: Int64, _ type: String, _ fields: String) -> String {
                Self.event(id, time - Self.t0 + offset, type, fields)
            }
            try await fixture.postEvents([
                event("p2", -10, "friend.updated", #""accid":"User0","faccid":"User1","alias":"pal""#), block,
            ])
            try await fixture.post([
                ServeFixture.p2p(3, from: "User0", to: "User1", text: "before the block", time: time - 5),
                ServeFixture.p2p(5, from: "User0", to: "User1", text: "after the block", time: time + 5),
            ])
            var held: [JSONValue] = []
            for _ in 0..<400 {
                held = (try await fixture.call("GET", "/failed").json["data"]?.array ?? []).filter {
                    $0["kind"]?.string == "message"
                }
                if held.count == 2 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(held.allSatisfy { $0["state"]?.string == "held" }, "\(held)")
            #expect(
                held.first?["reason"]?.string?.contains("waits for an earlier change of its two accounts") == true,
                "\(held)")
            #expect(try await fixture.nimMessages().isEmpty)
            try await fixture.postEvents([event("p1", -20, "friend.added", #""accid":"User0","faccid":"User1""#)])
            let health = try await fixture.drained()
            #expect(health["events_applied"]?.int == 3 && health["sent"]?.int == 2, "\(health.text)")
            let messages = try await fixture.nimMessages()
            let blacklisted = Dictionary(
                messages.map { ($0["body"]?.string ?? "", $0["blacklisted"]?.bool ?? false) },
                uniquingKeysWith: { a, _ in a })
            #expect(blacklisted.count == 2, "\(messages)")
            for (body, flagged) in blacklisted {
                #expect(flagged == body.contains("after the block"), "\(body)")
            }
        }
    }
}
