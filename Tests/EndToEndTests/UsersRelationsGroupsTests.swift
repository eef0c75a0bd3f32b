import Foundation
import MigrationCore
import Testing

/// Issue 4's acceptance: the first three stages against the emulator, through the real CLI.
@Suite struct UsersRelationsGroupsTests {
    static let expectedCalls: [String: Int] = [
        "user/create.action": 461,  // 460 UsErN + BOB; Dave/dave collide, "bad user!" is invalid
        "friend/add.action": 3,  // 1-2 (listed both ways), 3-4, BOB-7
        "friend/update.action": 3,  // alias 1>2, alias 2>1, ex BOB>7
        "user/setSpecialRelation.action": 2,
        "team/create.action": 2,
        "team/add.action": 2,  // ⌈(449 − 199) / 200⌉
        "team/addManager.action": 2,  // ⌈12 / 10⌉
        "team/muteTlist.action": 1,
        "team/muteTlistAll.action": 1,
    ]

    @Test func theTargetHoldsWhatTheExportImpliesWithThePlannedMinimumOfCalls() async throws {
        try await MigrationFixture.with { fixture in
            let plan = try await fixture.cli("plan")
            #expect(plan.code == 1, "collisions and missing users make the plan incomplete: \(plan.stderr)")
            let planJSON = try fixture.readJSON("plan.json")
            var planned: [String: Int] = [:]
            for stage in planJSON["stages"]?.array ?? [] {
                if case .object(let calls)? = stage["calls"] { for (k, v) in calls { planned[k] = Int(v.int ?? 0) } }
            }
            #expect(planned == Self.expectedCalls)
            let problems = (planJSON["problems"]?.array ?? []).map {
                "\($0["file"]?.string ?? ""):\($0["line"]?.int ?? 0) \($0["code"]?.string ?? "")"
            }
            #expect(
                problems.contains("users.jsonl:461 colliding-accid")
                    && problems.contains("users.jsonl:462 colliding-accid")
            )
            #expect(problems.contains("users.jsonl:463 invalid-accid"))
            #expect(
                problems.contains("friends.jsonl:4 unknown-user") && problems.contains("friends.jsonl:5 colliding-user")
            )
            #expect(
                problems.contains("groups.jsonl:1 group-members") && problems.contains("groups.jsonl:2 group-members"))

            let run = try await fixture.cli("run")
            #expect(run.code == 1, "\(run.stderr)")
            let dump = try await fixture.dump()
            var made: [String: Int] = [:]
            if case .object(let calls)? = dump["calls"] { for (k, v) in calls { made[k] = Int(v.int ?? 0) } }
            #expect(made.removeValue(forKey: "user/getUinfos.action") == 1, "the preflight check, once per run")
            #expect(made == Self.expectedCalls, "the run made exactly the planned calls")
            let report = try fixture.readJSON("report.json")
            for stage in report["stages"]?.array ?? [] {
                var planned: [String: Int64] = [:]
                var ran: [String: Int64] = [:]
                if case .object(let p)? = stage["plannedCalls"] { for (k, v) in p { planned[k] = v.int } }
                if case .object(let r)? = stage["runCalls"] {
                    for (k, v) in r { ran[k] = (v["calls"]?.int ?? 0) - (v["retries"]?.int ?? 0) }
                }
                #expect(
                    planned == ran,
                    "report.json puts the planned calls beside the made ones: \(stage["stage"]?.text ?? "")"
                )
            }
            #expect(dump["throttled"]?.int == 0)

            let accids = Set((dump["users"]?.array ?? []).compactMap { $0["accid"]?.string })
            #expect(
                accids.count == 461 && accids.contains("user459") && accids.contains("bob") && !accids.contains("dave"))
            let friends = Set(
                (dump["friends"]?.array ?? []).compactMap { f in
                    f["accid"]?.string.map { "\($0)>\(f["faccid"]?.string ?? "")" }
                })
            #expect(friends == ["user1>user2", "user2>user1", "user3>user4", "user4>user3", "bob>user7", "user7>bob"])
            let aliases = (dump["friends"]?.array ?? []).filter { $0["accid"]?.string == "user1" }.first?["alias"]?
                .string
            #expect(aliases == "two")
            let teams = dump["teams"]?.array ?? []
            #expect(teams.count == 2)
            let big = try #require(teams.first { $0["owner"]?.string == "user0" })
            #expect(big["members"]?.array.count == 449)
            #expect(big["admins"]?.array.count == 12)
            #expect(big["muted"]?.array.compactMap(\.string) == ["user20"])
            let small = try #require(teams.first { $0["owner"]?.string == "bob" })
            #expect(small["members"]?.array.compactMap(\.string) == ["user450"])
            #expect(small["muteType"]?.int == 1)

            let ids = try await fixture.pipeline.run("ids", ["--kind", "team"])
            #expect(ids.stdout.hasPrefix("old,new\n9001,"))
            let tokens = try String(contentsOfFile: fixture.dir + "/state/e2e/tokens.csv", encoding: .utf8)
            #expect(tokens.split(separator: "\n").count == 462)
            try Self.expectNoSecret(in: fixture, outputs: [plan.stdout, plan.stderr, run.stdout, run.stderr])
            let again = try await fixture.cli("run")
            #expect(again.code == 1)
            #expect(
                try await fixture.dump()["totalCalls"]?.int == (dump["totalCalls"]?.int ?? 0) + 1,
                "a finished run calls nothing more than its preflight check")
        }
    }

    /// The AppSecret is in no file the tool wrote and in none of its output.
    static func expectNoSecret(in fixture: MigrationFixture, outputs: [String]) throws {
        let secret = Data(MigrationFixture.secret.utf8)
        let state = fixture.dir + "/state"
        let files = FileManager.default.enumerator(atPath: state)?.compactMap { $0 as? String } ?? []
        #expect(files.contains("e2e.sqlite") && files.contains("e2e/report.json"))
        for file in files {
            guard let data = FileManager.default.contents(atPath: state + "/" + file) else { continue }
            #expect(data.range(of: secret) == nil, "the AppSecret is in \(file)")
        }
        for output in outputs { #expect(!output.contains(MigrationFixture.secret)) }
    }

    @Test func killedRightAfterTeamCreateAnsweredTheResumedRunMakesNoSecondTeam() async throws {
        try await MigrationFixture.with { fixture in
            let crashed = try await fixture.cli("run", environment: ["NIM_MIGRATE_FAILPOINT": "groups.after-create"])
            #expect(crashed.code == 9 || crashed.code == 137 || crashed.code != 0, "killed by SIGKILL")
            let created = try await fixture.dump()["teams"]?.array.count ?? 0
            #expect(
                created >= 1, "a team was created, its tid not saved (the other group's create may have been in flight)"
            )
            let resumed = try await fixture.cli("run")
            #expect(resumed.code == 1, "\(resumed.stderr)")
            let dump = try await fixture.dump()
            #expect(dump["teams"]?.array.count == 2, "exactly one team per group")
            #expect(dump["calls"]?["team/create.action"]?.int == 2)
            #expect(
                (dump["calls"]?["team/joinTeams.action"]?.int ?? 0) >= 1, "the resumed run read the owner's teams back")
            let verify = try await fixture.cli("verify")
            #expect(verify.code == 0, "\(verify.stdout)")
        }
    }

    /// A kill between the saved progress (the tid) and the id map's write: the resumed run maps the
    /// team (history and sessions need it) without creating it again.
    @Test func killedBeforeTheTeamIsMappedTheResumedRunMapsIt() async throws {
        try await MigrationFixture.with { fixture in
            let crashed = try await fixture.cli("run", environment: ["NIM_MIGRATE_FAILPOINT": "groups.before-map"])
            #expect(crashed.code != 0 && crashed.code != 1, "killed by SIGKILL")
            let resumed = try await fixture.cli("run")
            #expect(resumed.code == 1)
            #expect(
                (resumed.stdout + resumed.stderr).contains("the last run stopped with work in flight"),
                "the resumed run waits a send window before its first call")
            let dump = try await fixture.dump()
            #expect(dump["teams"]?.array.count == 2, "exactly one team per group")
            #expect(dump["calls"]?["team/create.action"]?.int == 2)
            let ids = try await fixture.pipeline.run("ids", ["--kind", "team"])
            #expect(ids.stdout.split(separator: "\n").count == 3, "a header and both teams: \(ids.stdout)")
            let verify = try await fixture.cli("verify")
            #expect(verify.code == 0, "\(verify.stdout)")
        }
    }

    @Test func verifyFindsNothingAfterARunAndExactlyWhatWasRemovedBehindItsBack() async throws {
        try await MigrationFixture.with { fixture in
            #expect(try await fixture.cli("run").code == 1)
            let clean = try await fixture.cli("verify")
            #expect(clean.code == 0, "\(clean.stdout)")
            let report = try fixture.readJSON("verify.json")
            #expect(report["entities"]?["users"]?["found"]?.int == 461)
            #expect(report["entities"]?["teams"]?["found"]?.int == 2)

            let client = fixture.client()
            _ = try await client.send(.deleteFriend(accid: "user3", faccid: "user4"), stage: .relations)
            let tid = try #require(
                try await fixture.dump()["teams"]?.array.first { $0["owner"]?.string == "user0" }?["tid"]?.string)
            _ = try await client.send(.kickTeamMember(tid: tid, owner: "user0", member: "user300"), stage: .groups)
            await client.shutdown()

            let after = try await fixture.cli("verify")
            #expect(after.code == 1)
            // verify.html (issue 28) beside the JSON, its path printed, its numbers the JSON's.
            let page = fixture.pipeline.state + "/verify.html"
            #expect(after.stderr.contains("page: ") && after.stderr.contains("verify.html"), "\(after.stderr)")
            let html = try String(contentsOfFile: page, encoding: .utf8)
            #expect(html.contains(#"<section id="summary" data-differences="2" data-unaccounted="0""#))
            for (name, entity) in try fixture.readJSON("verify.json")["entities"]?.objectValue ?? [:] {
                let row =
                    "<tr data-entity=\"\(name)\" data-expected=\"\(entity["expected"]?.int ?? -1)\" "
                    + "data-found=\"\(entity["found"]?.int ?? -1)\" "
                    + "data-differences=\"\(entity["differences"]?.array.count ?? -1)\">"
                #expect(html.contains(row), "\(name)")
            }
            #expect(html.contains("friendship user3 – user4 is missing"))
            let differences =
                try fixture.readJSON("verify.json")["entities"].map { entities -> [String] in
                    ["friends", "teams", "users", "blocklists"].flatMap {
                        entities[$0]?["differences"]?.array.compactMap(\.string) ?? []
                    }
                } ?? []
            #expect(
                differences == [
                    "friendship user3 – user4 is missing", "team \(tid) (group 9001): member user300 is missing",
                ])
        }
    }

    /// A group bigger than the app's team size cap (`groups.member_limit`, NIM's default 200) is
    /// created at the cap, never refused for it: managers kept first, the rest in source order,
    /// and the members left out named on the group's line.
    @Test func aGroupOverTheTeamSizeCapIsCreatedAtTheCapWithTheRestReported() async throws {
        try await MigrationFixture.with(memberLimit: false) { fixture in
            #expect(try await fixture.cli("run").code == 1)
            let teams = try await fixture.dump()["teams"]?.array ?? []
            let big = try #require(teams.first { $0["owner"]?.string == "user0" })
            #expect(big["teamMemberLimit"]?.int == 200)
            #expect(big["members"]?.array.count == 199)
            #expect(big["admins"]?.array.count == 12)
            #expect(big["muted"]?.array.compactMap(\.string) == ["user20"])
            let problems = try String(contentsOfFile: fixture.dir + "/state/e2e/problems.jsonl", encoding: .utf8)
            let capped = problems.split(separator: "\n").first { $0.contains("\"code\":\"team-member-limit\"") }
            #expect(capped?.contains("\"file\":\"groups.jsonl\",\"line\":1") == true)
            #expect(capped?.contains("250 left out of the team (user200, user201") == true, "\(capped ?? "")")
            #expect(problems.contains("team-member-limit-capped"), "the source limit 500 is over the cap")
        }
    }
}
