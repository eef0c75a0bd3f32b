import Foundation
import Testing

@testable import MigrationCore

/// The line writer against Foundation's parser: whatever the text, the line reads back as written.
@Suite struct HistoryLineTests {
    @Test func everyStringAndNumberReadsBack() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "/", "中", "😀", " ", "é"]
        func text() -> String {
            String(
                (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for round in 0..<300 {
            var message = HistoryMessage(
                type: round % 2 == 0 ? 0 : 107, msgid: Int64.random(in: 0...Int64.max, using: &generator),
                createTime: Int64.random(in: 1...9_999_999_999_999, using: &generator), clientType: 16,
                conversation: round % 2 == 0 ? .p2p(from: text(), to: text()) : .team(accid: text(), tid: "123"))
            message.body = text()
            message.ext = round % 3 == 0 ? nil : text()
            message.attach = .object(["name": .string(text()), "size": .int(Int64(round)), "url": .string(text())])
            if round % 2 == 1 { message.tinfo = ["15": .string(text()), "tid": .int(123)] }
            let line = message.line
            let parsed = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let data = try #require(parsed["data"] as? [String: Any])
            #expect(data["body"] as? String == message.body)
            #expect(data["ext"] as? String == message.ext)
            #expect((data["msgid"] as? NSNumber)?.int64Value == message.msgid)
            #expect((data["createTime"] as? NSNumber)?.int64Value == message.createTime)
            let attach = try #require((data["attach"] as? String)?.data(using: .utf8))
            #expect(try JSONValue.parse(attach) == message.attach)
            if case .p2p(let from, let to) = message.conversation {
                #expect(data["from"] as? String == from && data["to"] as? String == to)
            } else {
                #expect((data["tinfo"] as? [String: Any])?["15"] as? String == message.tinfo?["15"]?.string)
            }
        }
    }
}
