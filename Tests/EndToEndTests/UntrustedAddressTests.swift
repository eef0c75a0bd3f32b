import Foundation
import MigrationCore
import Synchronization
import Testing

/// SPEC §5 "Untrusted addresses", tried as an attacker in the old app would: attachment, avatar and
/// icon URLs that name a service only the migration machine can reach (by every spelling of
/// loopback), and an allowed CDN that redirects there. The secret service must receive no request
/// at all, NIM must hold none of its bytes, and each reference is a `url-refused` warning at its
/// file and line — while the allowed CDN's own files are re-hosted.
@Suite struct UntrustedAddressTests {
    /// Every spelling of the secret service's address on `port` that a URL parser accepts.
    static func spellings(_ port: Int) -> [String] {
        [
            "127.0.0.1", "2130706433", "0x7f000001", "127.1", "017700000001", "0x7f.0.0.1", "[::ffff:127.0.0.1]",
            "localhost", "127.0.0.1.",
        ].map { "http://\($0):\(port)/creds.txt" }
    }

    @Test func anExportCannotMakeTheToolReadInsideTheNetwork() async throws {
        let picture = Data((0..<1500).map { UInt8($0 % 241) })
        try await withTrap { secret in
            try await withTrap(host: "127.0.0.2", files: ["cdn.png": picture]) { cdn in
                let (dir, export) = try TestFiles.workspace("messages")
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let port = secret.port
                var urls = Self.spellings(port)
                urls.append(cdn.baseURL + "/redirect?to=" + "http://127.0.0.1:\(port)/creds.txt")
                urls.append("gopher://127.0.0.1:\(port)/_GET")
                urls.append("../../etc/passwd")
                let allowed = cdn.baseURL + "/file/cdn.png"
                try TestFiles.write(
                    [
                        #"{"accid":"a","icon":"http://127.1:\#(port)/avatar.png"}"#, #"{"accid":"b"}"#,
                    ], to: export + "/users.jsonl")
                try TestFiles.write(
                    [
                        #"{"gid":"g1","tname":"t","owner":"a","members":["b"],"icon":"http://0x7f000001:\#(port)/i.png"}"#
                    ],
                    to: export + "/groups.jsonl")
                let lines = (urls + [allowed]).enumerated().map { index, url in
                    #"{"data":{"createTime":1513685265\#(100 + index),"msgid":\#(index + 1),"from":"a","to":"b","attach":{"url":"\#(url)","ext":"png","size":1}},"type":1}"#
                }
                try TestFiles.write(lines, to: export + "/messages/m.jsonl")

                try await withTarget(secret: "t") { target in
                    let pipeline = try target.pipeline(
                        in: dir, name: "u", stages: [.users, .groups, .files, .history], allow: ["127.0.0.2"])
                    let plan = try await pipeline.run("plan")
                    #expect(plan.code == 0, "refusals are warnings: \(plan.stderr)")
                    let planned = try pipeline.text("plan.md")
                    #expect(planned.contains("Where attachments, avatars and icons come from"))
                    #expect(planned.contains("| `127.0.0.2` | 2 | yes |"), "\(planned)")
                    #expect(planned.contains("`127.0.0.1`") && planned.contains("**refused**: loopback"))
                    #expect(planned.contains("list it in `files.allow`"), "the checklist says what to do")
                    let hosts = try pipeline.json("plan.json")["hosts"]?.array ?? []
                    #expect(hosts.contains { $0["host"]?.string == "localhost" && $0["allowed"]?.bool == false })

                    let run = try await pipeline.run()
                    #expect(run.code == 0, "never a failed item: \(run.stderr)")
                    #expect(secret.count == 0, "the secret service received \(secret.hits.withLock { $0.map(\.uri) })")
                    #expect(cdn.count == 2, "the allowed file and the first hop of the redirect")

                    let dump = try await target.dump()
                    let uploaded = dump["files"]?.array ?? []
                    #expect(uploaded.count == 1)
                    #expect(uploaded.first?["md5"]?.string == CheckSum.md5Hex(picture))
                    #expect(!uploaded.contains { $0["md5"]?.string == CheckSum.md5Hex(TrapServer.secret) })
                    let a = try #require(dump["users"]?.array.first { $0["accid"]?.string == "a" })
                    #expect(a["icon"]?.string == nil, "the account is created without the refused avatar")
                    let team = try #require(dump["teams"]?.array.first)
                    #expect(team["icon"]?.string == nil && team["tname"]?.string == "t")

                    let problems = try pipeline.lines("problems.jsonl").compactMap {
                        try? JSONValue.parse(Data($0.utf8))
                    }
                    let refused = problems.filter { $0["code"]?.string == "url-refused" }
                    for line in 1...urls.count {
                        #expect(
                            refused.contains {
                                $0["file"]?.string == "messages/m.jsonl" && $0["line"]?.int == Int64(line)
                            },
                            "line \(line) (\(urls[line - 1])) is reported url-refused")
                    }
                    #expect(refused.allSatisfy { $0["severity"]?.string == "warning" })
                    #expect(refused.contains { $0["file"]?.string == "users.jsonl" && $0["line"]?.int == 1 })
                    #expect(refused.contains { $0["file"]?.string == "groups.jsonl" && $0["line"]?.int == 1 })
                    #expect(refused.contains { ($0["desc"]?.string ?? "").contains("leaves the export folder") })
                    #expect(refused.contains { ($0["desc"]?.string ?? "").contains("not gopher") })
                    #expect(!(try pipeline.textIfAny("failed.jsonl")).contains("creds"))

                    let history = try pipeline.lines("history/p2p-0001.txt")
                    #expect(history.count == urls.count + 1)
                    #expect(history.last?.contains(target.baseURL) == true, "the allowed CDN's file is re-hosted")
                    #expect(history.first?.contains("127.0.0.1:\(port)/creds.txt") == true, "a refused URL is kept")
                }
            }
        }
    }

    /// The resolver's first answer (allowed) is the address connected to; a second lookup that
    /// would answer loopback is never made. A later download that resolves to loopback is refused.
    @Test func aSecondDNSAnswerCannotRedirectTheConnection() async throws {
        try await withTrap(host: "127.0.0.2", files: ["a.png": Data("cdn".utf8)]) { cdn in
            let port = cdn.port
            try await withTrap(host: "127.0.0.1", port: port) { secret in
                let resolver = RebindingResolver(first: "127.0.0.2", then: "127.0.0.1")
                let policy = URLPolicy(allow: try AllowList(["127.0.0.2"]))
                try await withDownloader(SafeDownloader(policy: policy, resolver: resolver)) { downloader in
                    let first = await downloader.download("http://rebind.test:\(port)/file/a.png", limit: 1000)
                    #expect((try? first.get()) == Data("cdn".utf8), "\(first)")
                    #expect(resolver.lookups == 1, "one lookup per download")
                    let second = await downloader.download("http://rebind.test:\(port)/file/a.png", limit: 1000)
                    #expect(second.failure?.refusal?.why == "loopback (127.0.0.1)", "\(second)")
                    #expect(secret.count == 0)
                    #expect(cdn.count == 1)
                }
            }
        }
    }

    /// `share-secret` goes to the URL's own host only: not across a redirect to another (allowed)
    /// host, but still along a redirect within the same one.
    @Test func downloadHeadersStayWithTheirHost() async throws {
        try await withTrap(host: "127.0.0.2") { first in
            try await withTrap(host: "127.0.0.3", files: ["x": Data("x".utf8)]) { second in
                let policy = URLPolicy(allow: try AllowList(["127.0.0.0/8"]))
                try await withDownloader(SafeDownloader(policy: policy)) { downloader in
                    let across = first.baseURL + "/redirect?to=" + second.baseURL + "/file/x"
                    let got = await downloader.download(across, headers: [("share-secret", "s3cr3t")], limit: 100)
                    #expect((try? got.get()) == Data("x".utf8))
                    #expect(first.hits.withLock { $0.first?.headers["share-secret"] } == "s3cr3t")
                    #expect(second.hits.withLock { $0.first?.headers["share-secret"] } == nil)
                    let within = second.baseURL + "/redirect?to=" + second.baseURL + "/file/x"
                    _ = await downloader.download(within, headers: [("share-secret", "s3cr3t")], limit: 100)
                    #expect(
                        second.hits.withLock { $0.suffix(2).map { $0.headers["share-secret"] } } == [
                            "s3cr3t", "s3cr3t",
                        ])
                }
            }
        }
    }

    /// serve: a posted message whose attachment names the secret service is sent with its old URL
    /// and the refusal is logged; the secret service is never asked.
    @Test func serveSendsARefusedAttachmentWithItsOldURL() async throws {
        try await withTrap { secret in
            try await ServeProcessFixture.with(users: 2, allow: ["127.0.0.2"]) { fixture in
                let (process, base, _, log) = try await fixture.startLogging()
                let url = "http://127.1:\(secret.port)/creds.txt"
                let line =
                    #"{"data":{"msgid":9,"from":"Old0","to":"Old1","createTime":1700000000009,"attach":{"url":"\#(url)","name":"c.txt","size":1}},"type":6}"#
                let (status, _) = try await ServeProcessFixture.call(
                    "POST", base + "/old/messages", body: Data(line.utf8))
                #expect(status == 200)
                let health = try await fixture.drained(base, timeout: .seconds(60))
                #expect(health["sent"]?.int == 1)
                process.terminate()
                try await process.exited()
                let messages = try await fixture.dump()["messages"]?.array ?? []
                #expect(messages.count == 1)
                #expect(messages.first?["body"]?.string?.contains("127.1:") == true, "\(messages)")
                #expect(secret.count == 0)
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                #expect(text.contains("url-refused") && text.contains("loopback"), "\(text)")
            }
        }
    }
}

/// Runs `body` with `downloader`, shutting it down after (its clients must not outlive it).
func withDownloader<T>(_ downloader: SafeDownloader, _ body: (SafeDownloader) async throws -> T) async throws -> T {
    try await withCleanup {
        try await body(downloader)
    } cleanup: {
        await downloader.shutdown()
    }
}

extension Result {
    /// The error, when this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A resolver that answers `first` once, then `then`: a DNS answer with a short TTL that changes.
final class RebindingResolver: HostResolver, Sendable {
    let answers: (first: IPAddress, then: IPAddress)
    private let count = Mutex<Int>(0)
    var lookups: Int { count.withLock { $0 } }

    init(first: String, then: String) {
        answers = (IPAddress(first) ?? .v4(0), IPAddress(then) ?? .v4(0))
    }

    func resolve(_ name: String) async throws -> [IPAddress] {
        let n = count.withLock { value -> Int in
            value += 1
            return value
        }
        return [n == 1 ? answers.first : answers.then]
    }
}
