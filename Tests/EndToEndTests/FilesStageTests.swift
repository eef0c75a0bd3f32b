import Foundation
import MigrationCore
import Testing

/// The files stage against an "old CDN" (a second emulator serving files over HTTP) and local
/// files: identical bytes uploaded once, URLs rewritten with the uploaded md5 and size, a dead
/// link and a 16 MB file each failed with its reason and line, and a path leaving the export
/// refused (`url-refused`, a warning: SPEC §5 "Untrusted addresses").
@Suite struct FilesStageTests {
    @Test func attachmentsAreRehostedOnceAndEveryFailureIsNamed() async throws {
        let (dir, export) = try TestFiles.workspace("messages", "files")
        let shared = Data((0..<3000).map { UInt8($0 % 251) })
        let other = Data((0..<2000).map { UInt8($0 % 13) })
        try shared.write(to: URL(fileURLWithPath: export + "/files/a.png"))
        try Data(count: 16 * 1024 * 1024).write(to: URL(fileURLWithPath: export + "/files/big.bin"))

        try await withTarget(secret: "cdn") { cdn in
            let sharedURL = try await cdn.upload(shared, name: "s.png", type: "png")
            let otherURL = try await cdn.upload(other, name: "o.amr", type: "amr")
            let dead = cdn.baseURL + "/_files/999-dead"

            try "{\"accid\":\"a\"}\n{\"accid\":\"b\",\"icon\":\"files/a.png\"}\n".write(
                toFile: export + "/users.jsonl", atomically: true, encoding: .utf8)
            func image(_ id: Int, _ url: String, type: Int = 1) -> String {
                #"{"data":{"createTime":15136852654\#(id),"msgid":\#(id),"from":"a","to":"b","attach":{"url":"\#(url)","ext":"png","size":1}},"type":\#(type)}"#
            }
            try [
                image(10, "files/a.png"), image(11, sharedURL), image(12, otherURL, type: 2), image(13, dead),
                image(14, "files/big.bin", type: 6), image(15, "../../../etc/passwd", type: 6), image(16, sharedURL),
            ].joined(separator: "\n").write(toFile: export + "/messages/m.jsonl", atomically: true, encoding: .utf8)

            try await withTarget(secret: "t") { target in
                let pipeline = try target.pipeline(in: dir, name: "f", stages: [.users, .files, .history])
                let run = try await pipeline.run()
                #expect(run.code == 1, "two attachments cannot be re-hosted: \(run.stderr)")

                let dump = try await target.dump()
                #expect(dump["files"]?.array.count == 2, "the shared bytes once, the other file once")
                #expect(dump["calls"]?["msg/fileUpload.action"]?.int == 2)
                let avatar = dump["users"]?.array.first { $0["accid"]?.string == "b" }?["icon"]?.string
                #expect(avatar?.hasPrefix(target.baseURL + "/_files/") == true)

                let failed = try pipeline.text("failed.jsonl")
                #expect(failed.contains("HTTP 404") && failed.contains("\"line\":4"))
                #expect(failed.contains("15 MB") && failed.contains("\"line\":5"))
                #expect(!failed.contains("etc/passwd"), "a refused path is no failed item")
                let refused = try pipeline.lines("problems.jsonl").filter { $0.contains("\"code\":\"url-refused\"") }
                #expect(refused.count == 1)
                #expect(refused.first?.contains("leaves the export folder") == true)
                #expect(refused.first?.contains("\"line\":6") == true)

                let lines = try pipeline.lines("history/p2p-0001.txt")
                #expect(lines.count == 7)
                let md5 = CheckSum.md5Hex(shared)
                #expect(
                    lines[0].contains(md5) && lines[0].contains("\\\"size\\\":3000")
                        && lines[0].contains(target.baseURL))
                #expect(lines[1].contains(md5), "the CDN copy of the same bytes points at the same upload")
                #expect(lines[3].contains(dead), "a dead link keeps its old URL")
            }
        }
    }
}
