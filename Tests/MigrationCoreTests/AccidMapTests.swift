import Foundation
import Testing

@testable import MigrationCore

/// `users.accid_map` is read as CSV by a library (RFC 4180): any accid can be renamed, and what
/// `nim-migrate ids` writes reads back.
@Suite struct AccidMapTests {
    static func write(_ text: String) throws -> String {
        let path = try temporaryDirectory() + "/map.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func quotedFieldsRenameAccidsWithCommasAndQuotes() throws {
        let path = try Self.write(
            "old,new\n\"a,b\",ab\n\"say \"\"hi\"\"\",say_hi\n\nplain , trimmed\n\"two\nlines\",two_lines\n")
        let map = try AccidMap(path: path)
        #expect(map.apply("a,b") == "ab")
        #expect(map.apply("say \"hi\"") == "say_hi")
        #expect(map.apply("plain") == "trimmed")
        #expect(map.apply("two\nlines") == "two_lines")
        #expect(map.apply("other") == "other")
    }

    @Test func whatIdsWritesReadsBack() throws {
        let pairs = [("a,b", "x1"), ("q\"uote", "x2"), ("line\nbreak", "x3"), ("plain", "x4")]
        let text = "old,new\n" + pairs.map { "\(CSV.field($0.0)),\(CSV.field($0.1))\n" }.joined()
        let map = try AccidMap(path: try Self.write(text))
        for (old, new) in pairs { #expect(map.apply(old) == new) }
    }

    @Test func aMalformedRowIsNamed() throws {
        let path = try Self.write("old,new\na,b\nc\n")
        #expect(throws: ConfigError.self) { try AccidMap(path: path) }
        do {
            _ = try AccidMap(path: path)
        } catch {
            #expect("\(error)".contains("row 3: expected old,new"), "\(error)")
        }
        let twice = try Self.write("a,b\na,c\n")
        #expect(throws: ConfigError.self) { try AccidMap(path: twice) }
    }
}
