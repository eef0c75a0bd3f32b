import Foundation
import Testing

@testable import MigrationCore

/// The members of a line read without building the line's objects, as a parsed object would give them.
@Suite struct MessageFieldsTests {
    private func read(_ text: String) -> MessageFields? {
        var text = text
        return text.withUTF8 { MessageFields.read($0) }
    }

    @Test func aMemberGivenTwiceCountsWithItsLastValue() throws {
        let fields = try #require(read(#"{"type":1,"data":{"body":"a","body":"b"},"type":"0"}"#))
        #expect(fields.body == .string("b"))
        #expect(fields.type == .string("0"))
    }

    @Test func aLaterDataReplacesAnEarlierOneWhole() throws {
        let replaced = try #require(read(#"{"data":{"body":"a","msgid":1},"data":{"to":"x"}}"#))
        #expect(replaced.hasData && replaced.body == nil && replaced.msgid == nil && replaced.to == .string("x"))
        let notAnObject = try #require(read(#"{"data":{"body":"a"},"data":[]}"#))
        #expect(!notAnObject.hasData && notAnObject.body == nil)
    }

    @Test func accidsReadInPlaceOrDecodedCountWithTheirLastValue() throws {
        func inPlace(_ text: String, _ check: (MessageFields) -> Void) throws {
            var text = text
            let fields = try #require(text.withUTF8 { MessageFields.read($0, verbatim: true) })
            check(fields)
        }
        try inPlace(#"{"data":{"from":"Li_Na","to":"b\u0043","accid":"x","accid":7}}"#) { fields in
            #expect(fields.fromText?.string == "Li_Na" && fields.from == .string("Li_Na"))
            #expect(fields.toText == nil && fields.to == .string("bC"))
            #expect(fields.accidText == nil && fields.accid == .int(7))
        }
        try inPlace(#"{"data":{"to":"b\u0043","to":"plain"}}"#) { fields in
            #expect(fields.toText?.string == "plain" && fields.to == .string("plain"))
        }
        // Not in place: parsed as before.
        let decoded = try #require(read(#"{"data":{"from":"Li_Na"}}"#))
        #expect(decoded.fromText == nil && decoded.from == .string("Li_Na"))
    }

    @Test func anAttachObjectAndALaterAttachCountWithTheLastValue() throws {
        let object = try #require(read(#"{"data":{"attach":{"url":"u","w":1,"url":"v"}}}"#))
        #expect(object.attachObject?.json == .object(["url": .string("v"), "w": .int(1)]) && object.attach == nil)
        let string = try #require(read(#"{"data":{"attach":{"url":"u"},"attach":"{}"}}"#))
        #expect(string.attachObject == nil && string.attach == .string("{}"))
        let again = try #require(read(#"{"data":{"attach":"{}","attach":{"url":"u"}}}"#))
        #expect(again.attachObject?.json == .object(["url": .string("u")]) && again.attach == nil)
    }

    @Test func escapedKeysOtherMembersAndBrokenTextAreReadAsJSON() throws {
        let fields = try #require(
            read(#"{"fetch":{"headers":[1,{"a":null}]},"data":{"b\u006fdy":"x\"y","extra":[true]}}"#))
        #expect(fields.body == .string("x\"y"))
        #expect(fields.fetch == .object(["headers": .array([.int(1), .object(["a": .null])])]))
        let laterData = try #require(read(#"{"fetch":{"local":"f"},"data":{"body":"a"},"data":{"to":"x"}}"#))
        #expect(laterData.fetch == .object(["local": .string("f")]) && laterData.body == nil)
        #expect(read(#"[{"data":{}}]"#) == nil)
        #expect(read(#"{"data":{"body":"a"}} trailing"#) == nil)
        #expect(read(#"{"data":{"body":"a\q"}}"#) == nil)
        #expect(read(#"{"data":{"body":"a""#) == nil)
    }
}
