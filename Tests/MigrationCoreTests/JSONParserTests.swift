import Foundation
import Testing

@testable import MigrationCore

@Suite struct JSONParserTests {
    @Test(arguments: [
        (
            #"{"a":1,"b":[true,false,null],"c":"x"}"#,
            JSONValue.object(["a": .int(1), "b": .array([.bool(true), .bool(false), .null]), "c": .string("x")])
        ),
        (#" [ -12 , 3.5 , 1e3 ] "#, .array([.int(-12), .double(3.5), .double(1000)])),
        (#""\u6d4b\u8bd5 \ud83d\udc4d \"q\" \\ \/ \n""#, .string("测试 👍 \"q\" \\ / \n")),
        (#""中文""#, .string("中文")),
        (#"{}"#, .object([:])),
        (#"9007199254740993"#, .int(9_007_199_254_740_993)),
    ])
    func parsesWhatJSONAllows(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(Data(text.utf8)) == expected)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "01x", "{\"a\":1} extra", "\"\u{01}\"", "-"])
    func refusesWhatItDoesNot(text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(Data(text.utf8)) }
    }

    @Test func textRoundTripsWithSortedKeysAndEscapes() throws {
        let value = JSONValue.object(["b": .string("a/b \"c\"\n"), "a": .array([.int(1), .double(2.5), .null])])
        #expect(value.text == #"{"a":[1,2.5,null],"b":"a/b \"c\"\n"}"#)
        #expect(try JSONValue.parse(Data(value.text.utf8)) == value)
    }
}
