import Foundation
import Testing

@testable import MigrationCore

/// `body` and `ext` copied as they lie in the line give the line their decoding would.
@Suite struct VerbatimTextTests {
    @Test func theLineIsTheSameReadInPlaceOrDecoded() {
        let normalizer = HistoryNormalizer(
            mapping: .init(user: { .migrated($0.lowercased()) }, team: { _ in nil }, file: { _ in nil }))
        let bodies: [[UInt8]] = [
            Array(#"plain 中文 😀"#.utf8), Array(#"q\"b\\n\n\r\t"#.utf8), Array(#"\u4e2d\/x\b\f\u0001"#.utf8),
            [0x61, 0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0xFF], [0xC3, 0xA9],
            [0xF0, 0x9F, 0x98, 0x80], [0xE0, 0x9F, 0x80], [0xEF, 0xBF, 0xBD],
        ]
        for body in bodies {
            let line: [UInt8] =
                Array(#"{"data":{"ext":""#.utf8) + body + Array(#"","createTime":1513685265481,"msgid":1,"#.utf8)
                + Array(#""from":"a","to":"b","body":""#.utf8) + body + Array(#""},"type":0}"#.utf8)
            let decoded = normalizer.normalize(Data(line))
            let inPlace = line.withUnsafeBufferPointer { bytes -> String? in
                guard case .message(let message, _, _) = normalizer.normalize(bytes, verbatim: true) else { return nil }
                return message.line
            }
            guard case .message(let message, _, _) = decoded else {
                Issue.record("rejected: \(body)")
                continue
            }
            #expect(inPlace == message.line, "\(body)")
        }
    }
}
