import Foundation
import Testing

@testable import MigrationCore

/// The attachment kept in key order writes what the same object as a dictionary writes.
@Suite struct AttachObjectTests {
    @Test func itsTextIsTheDictionarysWhateverTheKeysAndChanges() throws {
        var generator = SystemRandomNumberGenerator()
        let keys = [
            "url", "w", "h", "ext", "name", "md5", "size", "dur", "Z", "é", "e\u{301}x", "e\u{301}", "中", "", "a\"b",
        ]
        for _ in 0..<300 {
            var object = AttachObject()
            var dictionary: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...10, using: &generator) {
                let key = keys.randomElement(using: &generator)!
                let value: JSONValue? =
                    Bool.random(using: &generator)
                    ? .int(Int64.random(in: -5...5, using: &generator))
                    : Bool.random(using: &generator) ? .string(key + "!") : nil
                object[key] = value
                dictionary[key] = value
            }
            var text: [UInt8] = []
            object.write(into: &text)
            #expect(String(decoding: text, as: UTF8.self) == JSONValue.object(dictionary).text)
            #expect(object.json == .object(dictionary))
            for key in keys { #expect(object[key] == dictionary[key]) }
            // Read back from its text: the same members.
            #expect(AttachObject(parsing: String(decoding: text, as: UTF8.self)) == object)
        }
        #expect(AttachObject(parsing: "[1]") == nil)
        #expect(AttachObject(parsing: #"{"a":1} x"#) == nil)
        #expect(AttachObject(parsing: #"{"a":1,"a":2}"#)?["a"] == .int(2))
    }
}
