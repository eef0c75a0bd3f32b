import Foundation
import MigrationCore
import NIMEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The files stage against an "old CDN" (a second emulator serving files over HTTP) and local
/// files: identical bytes uploaded once, URLs rewritten with the uploaded md5 and size, and a dead
/// link, a 16 MB file and a path leaving the export each failed with its reason and line.
@Suite struct FilesStageTests {
    @Test func attachmentsAreRehostedOnceAndEveryFailureIsNamed() async throws {
        let dir = try Processes.temporaryDirectory()
        let export = dir + "/export"
        try FileManager.default.createDirectory(atPath: export + "/messages", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: export + "/files", withIntermediateDirectories: true)
        let shared = Data((0..<3000).map { UInt8($0 % 251) })
        let other = Data((0..<2000).map { UInt8($0 % 13) })
        try shared.write(to: URL(fileURLWithPath: export + "/files/a.png"))
        try Data(count: 16 * 1024 * 1024).write(to: URL(fileURLWithPath: export + "/files/big.bin"))

        var cdnConfig = EmulatorConfiguration(appSecret: "cdn")
        cdnConfig.port = 0
        let cdn = try await EmulatorServer.start(cdnConfig)
        let uploader = NIMClient(
            .init(endpoint: cdn.baseURL + "/nimserver", appKey: "cdn", secret: Secret("cdn")), calls: CallRecorder())
        let sharedURL = try #require(
            try await uploader.send(.uploadFile(shared, name: "s.png", type: "png"), stage: .files)["url"]?.string)
        let otherURL = try #require(
            try await uploader.send(.uploadFile(other, name: "o.amr", type: "amr"), stage: .files)["url"]?.string)
        await uploader.shutdown()
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

        var targetConfig = EmulatorConfiguration(appSecret: "t")
        targetConfig.port = 0
        let target = try await EmulatorServer.start(targetConfig)
        try """
        name: f
        source: {format: canonical, path: export}
        target: {endpoint: "\(target.baseURL)/nimserver", appkey: k, app_secret_env: F_SECRET}
        stages: [users, files, history]

        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let run = try await Processes.run("nim-migrate", ["run", "p.yaml"], in: dir, environment: ["F_SECRET": "t"])
        #expect(run.code == 1, "three attachments cannot be re-hosted: \(run.stderr)")

        guard let url = URL(string: target.baseURL + "/_emulator/dump") else { return }
        let (data, _) = try await URLSession.shared.data(from: url)
        let dump = try JSONValue.parse(data)
        #expect(dump["files"]?.array.count == 2, "the shared bytes once, the other file once")
        #expect(dump["calls"]?["msg/fileUpload.action"]?.int == 2)
        let avatar = dump["users"]?.array.first { $0["accid"]?.string == "b" }?["icon"]?.string
        #expect(avatar?.hasPrefix(target.baseURL + "/_files/") == true)

        let failed = try String(contentsOfFile: dir + "/state/f/failed.jsonl", encoding: .utf8)
        #expect(failed.contains("HTTP 404") && failed.contains("\"line\":4"))
        #expect(failed.contains("15 MB") && failed.contains("\"line\":5"))
        #expect(failed.contains("leaves the export folder") && failed.contains("\"line\":6"))

        let lines = try String(contentsOfFile: dir + "/state/f/history/p2p-0001.txt", encoding: .utf8).split(
            separator: "\n")
        #expect(lines.count == 7)
        let md5 = CheckSum.md5Hex(shared)
        #expect(lines[0].contains(md5) && lines[0].contains("\\\"size\\\":3000") && lines[0].contains(target.baseURL))
        #expect(lines[1].contains(md5), "the CDN copy of the same bytes points at the same upload")
        #expect(lines[3].contains(dead), "a dead link keeps its old URL")
        await cdn.shutdown()
        await target.shutdown()
    }
}
