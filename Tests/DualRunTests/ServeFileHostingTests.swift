import Foundation
import Testing

@testable import DualRun
@testable import MigrationCore

/// Serve re-hosts through the pipeline's one ``FileHosting``: what the files stage hosted (by URL
/// or by content) is not uploaded again, and an earlier serve's own `hosted_file` rows are moved
/// into that one record at start.
@Suite struct ServeFileHostingTests {
    /// `"files/NAME"` as a canonical p2p image line.
    static func image(_ msgid: Int, _ url: String) -> String {
        #"{"data":{"msgid":\#(msgid),"from":"User0","to":"User1","createTime":170000000000\#(msgid),"#
            + #""attach":{"url":"\#(url)","ext":"png","size":1}},"type":1}"#
    }

    @Test func aFileTheFilesStageHostedIsNotUploadedAgainByServe() async throws {
        try await ServeFixture.with { fixture in
            let export = fixture.settings.pipeline.source.path
            let bytes = Data((0..<1500).map { UInt8($0 % 211) })
            try FileManager.default.createDirectory(atPath: export + "/files", withIntermediateDirectories: true)
            try bytes.write(to: URL(fileURLWithPath: export + "/files/a.png"))
            try bytes.write(to: URL(fileURLWithPath: export + "/files/copy.png"))
            // The files stage's call, as it makes it.
            let stage = FileHosting(
                client: fixture.client,
                fetcher: FileFetcher(root: export, policy: fixture.settings.pipeline.files.policy),
                database: fixture.state, stage: .files)
            let hosted = try await stage.host(AttachmentSource(url: "files/a.png", fetch: nil, attach: nil)).get()
            await stage.shutdown()
            #expect(try await fixture.nimState()["calls"]?["msg/fileUpload.action"]?.int == 1)

            #expect(
                try await fixture.post([Self.image(1, "files/a.png"), Self.image(2, "files/copy.png")])["stored"]?.int
                    == 2)
            #expect(try await fixture.drained()["sent"]?.int == 2)
            #expect(
                try await fixture.nimState()["calls"]?["msg/fileUpload.action"]?.int == 1,
                "the same URL and the same bytes under another URL both reuse the files stage's upload")
            for message in try await fixture.nimMessages() {
                let attach = try JSONValue.parse(Data((message["body"]?.string ?? "").utf8))
                #expect(attach["url"]?.string == hosted.url)
                #expect(attach["md5"]?.string == CheckSum.md5Hex(bytes))
            }
        }
    }

    @Test func anEarlierServesHostedFilesAreMovedIntoTheOneRecord() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hosted-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ServeStore(path: dir + "/serve.sqlite")
        try await store.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO hosted_file (url, new_url, md5, size) VALUES ('https://old/a.png', 'https://nim/x', 'm', 7)"
            )
        }
        let state = try StateDatabase(path: dir + "/state.sqlite")
        #expect(try await store.moveHostedFiles(to: state) == 1)
        #expect(
            try await state.hostedFile(old: "https://old/a.png") == HostedFile(url: "https://nim/x", md5: "m", size: 7))
        #expect(try await store.moveHostedFiles(to: state) == 0, "moved once")
    }
}
