import EasemobEmulator
import Foundation
import MigrationCore
import Testing

/// `nim-migrate pull` against the Easemob emulator (built from Easemob's published examples) over
/// the bundled Easemob sample: the round trip, incremental pulls, and each way Easemob says no.
@Suite struct EasemobPullTests {
    /// Emulator → pull → the adapter's conversion of the pulled folder equals that of the original
    /// folder (every user, attribute, contact, remark, block, group, member, admin, mute, message);
    /// attachments and history files byte-equal; no download carried the app token to the object
    /// store; every family's calls stayed within its limit in every window.
    @Test func aPulledSampleConvertsExactlyAsTheOriginal() async throws {
        try await EasemobPullFixture.with { fixture in
            let pull = try await fixture.run()
            #expect(pull.code == 0, "\(pull.stderr)")
            let pulled = try await fixture.canonical("p.yaml", name: "pulled")
            let original = try await fixture.canonical("o.yaml", name: "original")
            #expect(!original.isEmpty && original.keys.sorted() == pulled.keys.sorted())
            for (name, text) in original {
                #expect(pulled[name] == text, "\(name) differs")
            }
            #expect(
                original["users.jsonl"]?.contains("files/avatar-alice.png") == true, "the avatar is taken from files/")
            let files = EasemobPullFixture.files(fixture.exportPath, "files")
            #expect(
                files == EasemobPullFixture.files(fixture.original, "files"), "attachments and the avatar, byte-equal")
            #expect(
                EasemobPullFixture.files(fixture.exportPath, "chatmessages")
                    == EasemobPullFixture.files(fixture.original, "chatmessages"))

            let report = try fixture.report()
            #expect(report["hours"]?["saved"]?.int == 2)
            #expect(report["files"]?["saved"]?.int == 5)
            let traffic = try await fixture.traffic()
            let requests = traffic["requests"]?.array ?? []
            let downloads = requests.filter { ($0["path"]?.string ?? "").hasPrefix("/_oss/") }
            #expect(downloads.count == 2 && downloads.allSatisfy { $0["authorization"]?.bool == false })
            for (family, figures) in traffic["families"]?.objectValue ?? [:] {
                guard let limit = figures["limit"]?.int, limit > 0 else { continue }
                #expect((figures["maxInWindow"]?.int ?? 0) <= limit, "\(family): \(figures)")
                #expect(figures["status429"]?.int == 0, "\(family): \(figures)")
            }

            // Again: the lists are read again, no saved hour and no saved file is asked for again.
            try await fixture.admin("/_emulator/traffic/reset")
            #expect(try await fixture.run().code == 0)
            let again = try await fixture.traffic()["requests"]?.array ?? []
            #expect(!again.contains { ($0["path"]?.string ?? "").hasSuffix("/chatmessages/2017060517") })
            #expect(!again.contains { ($0["path"]?.string ?? "").contains("/chatfiles/") })
            #expect(again.contains { ($0["path"]?.string ?? "").hasSuffix("/users") })
            #expect(try await fixture.canonical("p.yaml", name: "pulled") == original)
        }
    }

    /// Credentials refused, or no such org/app on the host: exit 2 with one line, nothing written.
    @Test func wrongCredentialsOrAppStopAtOnceWritingNothing() async throws {
        try await EasemobPullFixture.with { fixture in
            let wrong = try await fixture.run(secret: "not-the-secret")
            #expect(wrong.code == 2)
            #expect(wrong.stderr.split(separator: "\n").count == 1, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("refused the client credentials"))
            #expect(!wrong.stderr.contains(EasemobPullFixture.secret) && !wrong.stderr.contains("not-the-secret"))
            #expect(!FileManager.default.fileExists(atPath: fixture.exportPath))
            #expect(!FileManager.default.fileExists(atPath: fixture.dir + "/state/pulled.pull.sqlite"))
            try String(contentsOfFile: fixture.dir + "/p.yaml", encoding: .utf8)
                .replacingOccurrences(of: "app: chatdemoui", with: "app: nosuchapp")
                .write(toFile: fixture.dir + "/p.yaml", atomically: true, encoding: .utf8)
            let noApp = try await fixture.run()
            #expect(noApp.code == 2)
            #expect(
                noApp.stderr.split(separator: "\n").count == 1 && noApp.stderr.contains("no app easemob-demo/nosuchapp")
            )
            #expect(!FileManager.default.fileExists(atPath: fixture.exportPath))
        }
    }

    /// Hours past the retention are gaps (by hour), recent ones too new (asked again next pull);
    /// attachments the server no longer has are `attachment-expired` with their hour file and line.
    @Test func expiredHoursAndAttachmentsAreSaidNotHidden() async throws {
        try await EasemobPullFixture.with(keys: ["history_from: 2017060516"]) {
            $0.nowMs = 1_496_755_800_000  // 2017-06-06 21:30 in Beijing time
            $0.historyRetentionHours = 25
        } _: { fixture in
            let pull = try await fixture.run()
            #expect(pull.code == 1, "something could not be had: \(pull.stderr)")
            let report = try fixture.report()
            let gaps = report["hours"]?["gaps"]?.array ?? []
            #expect(gaps.count == 1)
            #expect(gaps.first?["from"]?.string == "2017060516" && gaps.first?["to"]?.string == "2017060520")
            #expect(report["hours"]?["tooNew"]?.array.compactMap(\.string) == ["2017060619", "2017060620"])
            #expect(!FileManager.default.fileExists(atPath: fixture.exportPath + "/chatmessages/2017060517.gz"))
            let markdown = try String(contentsOfFile: fixture.dir + "/state/pulled/pull.md", encoding: .utf8)
            #expect(markdown.contains("2017060516 – 2017060520 (5 h)"), "\(markdown)")
            // pull.html (issue 28): the calendar has a cell per hour of the JSON, coloured by its state.
            let page = try String(contentsOfFile: fixture.dir + "/state/pulled/pull.html", encoding: .utf8)
            func cells(_ state: String) -> Int { page.components(separatedBy: "class=\"h \(state)\"").count - 1 }
            let hours = report["hours"]
            #expect(cells("expired") == hours?["expired"]?.int.map(Int.init) && cells("expired") == 5)
            #expect(cells("too-new") == 2 && cells("saved") == hours?["saved"]?.int.map(Int.init))
            #expect(cells("empty") == hours?["empty"]?.int.map(Int.init))
            #expect(page.contains(#"<li data-from="2017060516" data-to="2017060520" data-hours="5">"#))
        }
        try await EasemobPullFixture.with {
            $0.attachmentRetentionDays = 0
        } _: { fixture in
            #expect(try await fixture.run().code == 1)
            let unsaved = try fixture.report()["files"]?["unsaved"]?.array ?? []
            #expect(
                unsaved.contains {
                    $0["code"]?.string == "attachment-expired" && $0["file"]?.string == "chatmessages/2017060517.gz"
                        && $0["line"]?.int == 2
                }, "\(unsaved)")
            // The messages are still there to migrate with their old URLs.
            #expect(FileManager.default.fileExists(atPath: fixture.exportPath + "/chatmessages/2017060517.gz"))
        }
    }

    /// A cut download is fetched again, never saved; a signed URL that keeps expiring leaves its
    /// hour pending (asked again next pull), never a damaged file.
    @Test func cutDownloadsAndExpiredSignedURLsAreFetchedAgain() async throws {
        try await EasemobPullFixture.with {
            $0.truncateDownload = 1
        } _: { fixture in
            #expect(try await fixture.run().code == 0)
            #expect(
                EasemobPullFixture.files(fixture.exportPath, "chatmessages")
                    == EasemobPullFixture.files(fixture.original, "chatmessages"))
            let downloads = (try await fixture.traffic()["requests"]?.array ?? []).filter {
                ($0["path"]?.string ?? "").hasPrefix("/_oss/")
            }
            #expect(downloads.count == 3, "the cut one, then both whole")
            let asked = (try await fixture.traffic()["requests"]?.array ?? []).filter {
                ($0["path"]?.string ?? "").hasSuffix("/chatmessages/2017060517")
            }
            #expect(asked.count == 1, "a cut download is fetched again from its URL, not asked for again")
        }
        try await EasemobPullFixture.with {
            $0.signedURLTTL = -1
        } _: { fixture in
            let pull = try await fixture.run()
            #expect(pull.code == 1)
            #expect(try fixture.report()["hours"]?["pending"]?.array.count == 2)
            #expect(EasemobPullFixture.files(fixture.exportPath, "chatmessages").isEmpty)
        }
    }

    /// 429 `reach_limit` pauses the family (no call of it within the backoff), `resource_limited`
    /// stops the pull with exit 2 naming the quota.
    @Test func rateLimitsPauseAndQuotasStop() async throws {
        try await EasemobPullFixture.with { fixture in
            try await fixture.admin("/_emulator/reach-limit?family=user&count=2")
            #expect(try await fixture.run().code == 0)
            #expect(try fixture.report()["calls"]?["accounts"]?["throttled"]?.int == 2)
            let users = (try await fixture.traffic()["requests"]?.array ?? []).filter {
                $0["family"]?.string == "user"
            }
            // The family's calls are made one at a time: none comes within the pause after a 429.
            #expect(users.filter { $0["status"]?.int == 429 }.count == 2)
            for (index, call) in users.enumerated() where call["status"]?.int == 429 && index + 1 < users.count {
                let gap = (users[index + 1]["elapsedMs"]?.int ?? 0) - (call["elapsedMs"]?.int ?? 0)
                #expect(gap >= 950, "a call of the paused family came \(gap) ms after a 429")
            }
        }
        try await EasemobPullFixture.with { fixture in
            try await fixture.admin("/_emulator/resource-limited?family=block&on=true")
            let pull = try await fixture.run()
            #expect(pull.code == 2)
            #expect(pull.stderr.contains("resource_limited"), "\(pull.stderr)")
        }
    }

    /// An Easemob that stops answering pauses the pull; past `outage_wait` the pull stops (exit 3)
    /// and the next pull finishes the work.
    @Test func anOutageIsAPause() async throws {
        // 3 s in `make test`, 60 s in `make soak` (PULL_OUTAGE_SECONDS).
        let seconds = ProcessInfo.processInfo.environment["PULL_OUTAGE_SECONDS"].flatMap(Int.init) ?? 3
        try await EasemobPullFixture.with(keys: ["outage_wait: \(seconds + 60)"]) { fixture in
            try await fixture.admin("/_emulator/outage?seconds=\(seconds)")
            #expect(try await fixture.run().code == 0)
            #expect(try fixture.report()["hours"]?["saved"]?.int == 2)
        }
        try await EasemobPullFixture.with(keys: ["outage_wait: 2"]) { fixture in
            try await fixture.admin("/_emulator/outage?seconds=60")
            let halted = try await fixture.run()
            #expect(halted.code == 3, "\(halted.stderr)")
            #expect(halted.stderr.contains("has not answered for 2 s"))
            try await fixture.admin("/_emulator/outage?seconds=0")
            #expect(try await fixture.run().code == 0)
            #expect(try fixture.report()["hours"]?["saved"]?.int == 2)
        }
    }

    /// A second pull while one runs exits 2 at once; the first goes on.
    @Test func aSecondPullWhileOneRunsExitsAtOnce() async throws {
        try await EasemobPullFixture.with(keys: ["history_per_minute: 1"]) { fixture in
            try fixture.writePipelines(keys: ["history_per_minute: 1"])
            let (process, _, _) = try fixture.start()
            try await waitUntil(timeout: .seconds(30)) {
                FileManager.default.fileExists(atPath: fixture.dir + "/state/pulled.pull.sqlite")
            }
            let second = try await fixture.run()
            #expect(second.code == 2)
            #expect(second.stderr.contains("another nim-migrate process"), "\(second.stderr)")
            #expect(process.isRunning)
            process.terminate()
            try await process.exited()
        }
    }

    /// A token that expires mid-pull (Easemob may end it before `expires_in`): the 401 renews it
    /// once and the pull goes on; the secret is in no file the pull wrote.
    @Test func aTokenExpiringMidPullIsRenewed() async throws {
        try await EasemobPullFixture.with { fixture in
            try fixture.writePipelines(keys: ["history_per_minute: 600", "rate: 4"])
            let (process, _, _) = try fixture.start()
            try await waitUntil(timeout: .seconds(30)) {
                (try? await fixture.traffic()["requests"]?.array.count ?? 0) ?? 0 >= 4
            }
            try await fixture.admin("/_emulator/expire-tokens")
            try await process.exited()
            #expect(process.terminationStatus == 0)
            let requests = try await fixture.traffic()["requests"]?.array ?? []
            let refused = requests.firstIndex { $0["status"]?.int == 401 }
            let renewed = requests.lastIndex { ($0["path"]?.string ?? "").hasSuffix("/token") }
            #expect((refused ?? Int.max) < (renewed ?? -1), "a 401, then a new token")
            #expect(try fixture.report()["hours"]?["saved"]?.int == 2)
            for (_, data) in EasemobPullFixture.files(fixture.dir, "") where data.count < 10_000_000 {
                #expect(!String(decoding: data, as: UTF8.self).contains(EasemobPullFixture.secret))
            }
        }
    }
}
