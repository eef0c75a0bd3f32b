import ExportGenerator
import Foundation
import Testing

@Suite struct ExportGeneratorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func theSameSpecWritesTheSameBytes() throws {
        let spec = ExportSpec(users: 40, groups: 3, messages: 300, seed: 7, bigGroupMembers: 30)
        let a = try temporaryDirectory()
        let b = try temporaryDirectory()
        _ = try ExportWriter(spec: spec).write(to: a)
        _ = try ExportWriter(spec: spec).write(to: b)
        for file in try Self.files(in: a) {
            #expect(FileManager.default.contentsEqual(atPath: a + "/" + file, andPath: b + "/" + file), "\(file)")
        }
    }

    /// The committed sample is exactly what the generator makes (`make sample`).
    @Test func theBundledSampleIsTheGeneratorsOutput() throws {
        let fresh = try temporaryDirectory()
        _ = try ExportWriter(spec: .sample).write(to: fresh)
        let bundled = Self.root + "/pipelines/sample/export"
        #expect(try Self.files(in: fresh) == Self.files(in: bundled))
        for file in try Self.files(in: fresh) {
            #expect(
                FileManager.default.contentsEqual(atPath: fresh + "/" + file, andPath: bundled + "/" + file), "\(file)")
        }
    }

    @Test func everyMessageLineIsJSONAndEveryTypeAppears() throws {
        let dir = try temporaryDirectory()
        let summary = try ExportWriter(
            spec: ExportSpec(users: 60, groups: 4, messages: 3000, seed: 3, bigGroupMembers: 50)
        ).write(to: dir)
        #expect(summary.p2pMessages + summary.teamMessages == 3000)
        var types = Set<Int>()
        for file in ["messages/p2p.jsonl", "messages/team.jsonl"] {
            for line in try String(contentsOfFile: dir + "/" + file, encoding: .utf8).split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let type = object["type"].flatMap { ($0 as? Int) ?? Int("\($0)") }
                types.insert(try #require(type))
            }
        }
        #expect(types.isSuperset(of: [0, 1, 2, 3, 4, 6, 100]))
        #expect(types.intersection(101...110).count >= 8)
        let users = try String(contentsOfFile: dir + "/users.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(Set(users.map { $0.lowercased() }).count == 60)
    }

    static func files(in folder: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var files: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + next, isDirectory: &isDir), !isDir.boolValue {
                files.append(next)
            }
        }
        return files.sorted()
    }
}
