import Foundation
import Testing

@testable import MigrationCore

/// The pieces under the Easemob adapter: gzip reading with damage, saved responses with lines,
/// origins, and the once-per-export conversion.
@Suite struct EasemobSourceReadingTests {
    static func temporary() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nimmig-em-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a shell command, polling for its end (a blocking wait would hold a thread of the
    /// small cooperative pool the other tests' timed sleeps need).
    static func shell(_ command: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(process.terminationStatus == 0)
    }

    static func lines(_ path: String, gzip: Bool) async throws -> [Int] {
        var numbers: [Int] = []
        try await LineReader(path: path, gzip: gzip).forEachLine { number, _ in numbers.append(number) }
        return numbers
    }

    @Test func gzipMembersAreReadInOrder() async throws {
        let dir = try Self.temporary()
        try await Self.shell("cd \(dir) && printf 'a\\nb\\n' | gzip -n > f.gz && printf '\\nc\\n' | gzip -n >> f.gz")
        #expect(GzipChunks.isGzip(dir + "/f.gz"))
        #expect(try await Self.lines(dir + "/f.gz", gzip: true) == [1, 2, 4])
    }

    @Test func aTruncatedGzipKeepsTheLinesBeforeTheCut() async throws {
        let dir = try Self.temporary()
        try await Self.shell("cd \(dir) && seq 1 20000 | gzip -n > whole.gz && head -c 20000 whole.gz > cut.gz")
        var seen: [Int] = []
        await #expect {
            try await LineReader(path: dir + "/cut.gz", gzip: true).forEachLine { number, bytes in
                seen.append(number)
                #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == String(number))
            }
        } throws: { error in
            guard case SourceError.damaged(_, let line, let reason) = error else { return false }
            return line == seen.count + 1 && reason.contains("truncated")
        }
        #expect(seen.count > 1000 && seen.count < 20000)
    }

    @Test func garbageAfterTheMagicIsDamage() async throws {
        let dir = try Self.temporary()
        try Data(
            [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x13, 0x37, 0x42]
                + Array(repeating: 0x55, count: 64)
        )
        .write(to: URL(fileURLWithPath: dir + "/bad.gz"))
        await #expect(throws: SourceError.self) { try await Self.lines(dir + "/bad.gz", gzip: true) }
    }

    @Test func aDecompressionBombIsRefused() async throws {
        let dir = try Self.temporary()
        // The real floor is 64 MiB (the Easemob bad-input campaign inflates one that big in a
        // child process); here 1 MiB, to keep the test light.
        try await Self.shell("head -c 4000000 /dev/zero | gzip -n > \(dir)/bomb.gz")
        let handle = try #require(FileHandle(forReadingAtPath: dir + "/bomb.gz"))
        let chunks = try GzipChunks(handle: handle, bombFloor: 1 << 20)
        #expect {
            while try !chunks.next().isEmpty {}
        } throws: { error in
            guard case GzipError.bomb = error else { return false }
            return "\(error)".contains("bomb")
        }
    }

    @Test func elementsOfAPrettyResponseHaveTheirLines() {
        let text = """
            {
              "action": "get",
              "entities": [
                {"username": "a"},
                {
                  "username": "b, \\"quoted]\\""
                }
              ],
              "cursor": "x"
            }
            """
        let scan = JSONElements(Data(text.utf8), path: ["entities"])
        #expect(scan.found)
        #expect(scan.damage == nil)
        #expect(scan.elements.map(\.line) == [4, 5])
        let cut = JSONElements(Data(text.prefix(70).utf8), path: ["entities"])
        #expect(cut.elements.count == 1)
        #expect(cut.damage?.line == 6)
        let lines = JSONElements.keyLines(Data("{\"data\":{\n\"u1\":{},\n\"u2\":{\"x\":[1]}}}".utf8), path: ["data"])
        #expect(lines == ["u1": 2, "u2": 3])
    }

    @Test func originsTranslateLocationsAndText() {
        var builder = SourceOriginsBuilder()
        builder.add("users.jsonl", from: "users/page-1.json", line: 4)
        builder.add("users.jsonl", from: "users/page-2.json", line: 9)
        let origins = builder.origins
        #expect(origins.locate("users.jsonl", 2) == ("users/page-2.json", 9))
        #expect(origins.locate("users.jsonl", 3) == ("users.jsonl", 3))
        #expect(origins.locate("chatmessages/x.gz", 7) == ("chatmessages/x.gz", 7))
        #expect(
            origins.rewrite("'A' (users.jsonl:1) and 'a' (users.jsonl:2)")
                == "'A' (users/page-1.json:4) and 'a' (users/page-2.json:9)")
    }

    @Test func theConversionIsReusedUntilTheExportChanges() async throws {
        let dir = try Self.temporary()
        let export = dir + "/export"
        try FileManager.default.createDirectory(atPath: export + "/users", withIntermediateDirectories: true)
        try #"{"entities":[{"username":"a"},{"username":"B"}]}"#.write(
            toFile: export + "/users/p1.json", atomically: true, encoding: .utf8)
        let adapter = ConvertOnce(vendor: EasemobVendor(), root: export, output: dir + "/converted")
        let first = try await adapter.prepare()
        let users = dir + "/converted/users.jsonl"
        let written = try FileManager.default.attributesOfItem(atPath: users)[.modificationDate] as? Date
        try await Task.sleep(for: .milliseconds(20))
        _ = try await adapter.prepare()
        #expect(try FileManager.default.attributesOfItem(atPath: users)[.modificationDate] as? Date == written)
        #expect(first.origins.locate("users.jsonl", 2) == ("users/p1.json", 1))
        // A kill between the two renames of a new conversion leaves only the previous one.
        try FileManager.default.moveItem(atPath: dir + "/converted", toPath: dir + "/converted.old")
        _ = try await adapter.prepare()
        #expect(FileManager.default.fileExists(atPath: users))
        #expect(!FileManager.default.fileExists(atPath: dir + "/converted.old"))
        try #"{"entities":[{"username":"a"},{"username":"B"},{"username":"c"}]}"#.write(
            toFile: export + "/users/p1.json", atomically: true, encoding: .utf8)
        _ = try await adapter.prepare()
        #expect(try String(contentsOfFile: users, encoding: .utf8).split(separator: "\n").count == 3)
    }
}
