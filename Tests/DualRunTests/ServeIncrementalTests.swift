import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// `/incremental`: following `next` yields every received message once, in receipt order, in the
/// plan's line format with NIM ids — also while messages keep arriving and old cursors are replayed.
@Suite struct ServeIncrementalTests {
    @Test func overlappingPollsYieldEachMessageOnceInReceiptOrder() async throws {
        try await ServeFixture.with { fixture in
            let total = 240
            let poster = Task {
                var next = 1
                var sizes = [1, 7, 30, 2, 50]
                while next <= total {
                    let size = min(sizes.removeFirst(), total - next + 1)
                    sizes.append(size)
                    let lines = (next..<next + size).map { id in
                        id % 3 == 0
                            ? ServeFixture.team(id, from: "User\(id % 4)", text: "t\(id)")
                            : ServeFixture.p2p(id, from: "User\(id % 5)", to: "User5", text: "m\(id)")
                    }
                    try await fixture.post(lines)
                    if next % 3 == 0 { try await fixture.post([lines[0]]) }  // a repeat copy
                    next += size
                }
            }
            var cursor: String? = nil
            var seen: [Int64] = []
            var history: [(cursor: String?, ids: [Int64])] = []
            var polls = 0
            while seen.count < total && polls < 3000 {
                polls += 1
                let limit = [1, 5, 13, 100][polls % 4]
                let query = "/incremental?limit=\(limit)" + (cursor.map { "&since=\($0)" } ?? "")
                let reply = try await fixture.call("GET", query)
                #expect(reply.status == 200)
                #expect(reply.json["code"]?.int == 200)
                let ids = (reply.json["data"]?.array ?? []).compactMap { $0["data"]?["msgid"]?.int }
                history.append((cursor, ids))
                seen += ids
                cursor = reply.json["next"]?.string ?? cursor
                // Replaying an older cursor gives the same messages again (a window that overlaps).
                if polls % 7 == 0, history.count > 2 {
                    let old = history[history.count - 3]
                    let replay = try await fixture.call(
                        "GET", "/incremental?limit=1000" + (old.cursor.map { "&since=\($0)" } ?? ""))
                    let again = (replay.json["data"]?.array ?? []).compactMap { $0["data"]?["msgid"]?.int }
                    #expect(Array(again.prefix(old.ids.count)) == old.ids)
                }
                if ids.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            }
            try await poster.value
            #expect(seen == (1...Int64(total)).map { $0 })
            let last = try await fixture.call("GET", "/incremental?since=\(cursor ?? "0")")
            #expect(last.json["data"]?.array.isEmpty == true)
            // The plan's format with NIM ids.
            let page = try await fixture.call("GET", "/incremental?limit=3")
            let lines = page.json["data"]?.array ?? []
            #expect(lines[0]["data"]?["from"]?.string == "user1")
            #expect(lines[0]["data"]?["to"]?.string == "user5")
            #expect(lines[0]["data"]?["createTime"]?.int == 1_700_000_000_000)
            #expect(lines[2]["data"]?["tid"]?.int == Int64(fixture.tid))
            #expect(lines[2]["type"]?.int == 0)
            let bad = try await fixture.call("GET", "/incremental?since=abc")
            #expect(bad.status == 400)
        }
    }
}
