import Foundation
import Testing

@testable import MigrationCore

/// Easemob history lines (the documented shapes and the two real lines of the reference) →
/// canonical lines, checked as JSON.
@Suite struct EasemobMessageTests {
    static let converter = EasemobMessage(localFiles: ["65e54a4a-fd0b-11e3-b821-ebde7b50cc4b"])

    static func converted(_ line: String) throws -> JSONValue {
        guard case .line(let text, _) = converter.convert(Data(line.utf8)) else {
            Issue.record("not converted: \(converter.convert(Data(line.utf8)))")
            throw CancellationError()
        }
        return try JSONValue.parse(Data(text.utf8))
    }

    @Test func realTextLineUsesThePayloadPairAndAStringTimestamp() throws {
        let line = try Self.converted(
            #"{"msg_id":"339681410363163772","timestamp":"1496653041422","direction":"outgoing","to":"zly_test_1","from":"admin@easemob.com","chat_type":"chat","payload":{"bodies":[{"msg":" test send msg    2 to 1","type":"txt"}],"from":"zly_test_2","to":"zly_test_1"}}"#
        )
        #expect(line["type"] == .int(0))
        #expect(line["data"]?["from"] == .string("zly_test_2"))
        #expect(line["data"]?["to"] == .string("zly_test_1"))
        #expect(line["data"]?["createTime"] == .string("1496653041422"))
        #expect(line["data"]?["msgid"] == .string("339681410363163772"))
        #expect(line["data"]?["body"] == .string(" test send msg    2 to 1"))
        #expect(line["fetch"] == nil)
    }

    @Test func realImageLineCarriesSizeSecretAndLocalCopy() throws {
        let line = try Self.converted(
            #"{"msg_id":"339674032473379932","timestamp":"1496651323629","direction":"outgoing","to":"zly_test_1","from":"admin@easemob.com","chat_type":"chat","payload":{"bodies":[{"file_length":128827,"filename":"test1.jpg","secret":"DRGM8OZrEeO1vafuJSo2IjHBeKlIhDp0GCnFu54xOF3M6KLr","size":{"height":1325,"width":746},"type":"img","url":"https://a1.easemob.com/easemob-demo/chatdemoui/chatfiles/65e54a4a-fd0b-11e3-b821-ebde7b50cc4b"}],"from":"zly_test_2","to":"zly_test_1"}}"#
        )
        #expect(line["type"] == .int(1))
        let attach = try #require(line["data"]?["attach"])
        #expect(attach["w"] == .int(746))
        #expect(attach["h"] == .int(1325))
        #expect(attach["size"] == .int(128827))
        #expect(attach["name"] == .string("test1.jpg"))
        #expect(attach["ext"] == .string("jpg"))
        #expect(attach["secret"] == nil)
        #expect(
            line["fetch"]?["headers"]?["share-secret"] == .string("DRGM8OZrEeO1vafuJSo2IjHBeKlIhDp0GCnFu54xOF3M6KLr"))
        #expect(line["fetch"]?["local"] == .string("files/65e54a4a-fd0b-11e3-b821-ebde7b50cc4b"))
    }

    static func message(_ chatType: String, _ body: String, ext: String? = nil) -> String {
        let extPart = ext.map { ",\"ext\":\($0)" } ?? ""
        return
            #"{"msg_id":"7","timestamp":1403099033211,"chat_type":"\#(chatType)","payload":{"bodies":[\#(body)],"from":"u1","to":"g9"\#(extPart)}}"#
    }

    @Test func bodiesMapToThePlansTypes() throws {
        let audio = try Self.converted(
            Self.message(
                "chat",
                #"{"file_length":6630,"filename":"test1.amr","length":10,"secret":"s","type":"audio","url":"https://a1/x/0637e55a"}"#
            ))
        #expect(audio["type"] == .int(2))
        #expect(audio["data"]?["attach"]?["dur"] == .int(10_000))
        let video = try Self.converted(
            Self.message(
                "groupchat",
                #"{"file_length":9,"filename":"v.MP4","length":"2.5","size":{"width":64,"height":32},"thumb":"https://t","type":"video","url":"https://a1/x/v"}"#
            ))
        #expect(video["type"] == .int(3))
        #expect(video["data"]?["accid"] == .string("u1"))
        #expect(video["data"]?["tid"] == .string("g9"))
        #expect(video["data"]?["attach"]?["dur"] == .int(2500))
        #expect(video["data"]?["attach"]?["ext"] == .string("mp4"))
        #expect(video["data"]?["attach"]?["w"] == .int(64))
        let location = try Self.converted(
            Self.message("chat", #"{"addr":"西城区西便门桥 ","lat":39.9053,"lng":116.36302,"type":"loc"}"#))
        #expect(location["type"] == .int(4))
        #expect(location["data"]?["attach"]?["title"] == .string("西城区西便门桥 "))
        #expect(location["data"]?["attach"]?["lat"] == .double(39.9053))
        let file = try Self.converted(
            Self.message("chat", #"{"file_length":5,"filename":"a.pdf","type":"file","url":"https://a1/x/f"}"#))
        #expect(file["type"] == .int(6))
        #expect(file["data"]?["attach"]?["name"] == .string("a.pdf"))
        let text = try Self.converted(
            Self.message("chat", #"{"msg":"hi","type":"txt"}"#, ext: #"{"key1":"value1"}"#))
        #expect(text["data"]?["ext"] == .object(["key1": .string("value1")]))
    }

    @Test func bothCustomFormsKeepEventAndExtensions() throws {
        let old = try Self.converted(
            Self.message(
                "chat", #"{"customEvent":"gift","customExts":[{"gift":"rose"},{"count":"3"}],"type":"custom"}"#))
        #expect(old["type"] == .int(100))
        #expect(old["data"]?["attach"]?["customEvent"] == .string("gift"))
        #expect(
            old["data"]?["attach"]?["customExts"] == .object(["gift": .string("rose"), "count": .string("3")]))
        let v2 = try Self.converted(
            Self.message("chat", #"{"customEvent":"poll","v2:customExts":{"q":"lunch?"},"type":"custom"}"#))
        #expect(v2["data"]?["attach"]?["customExts"] == .object(["q": .string("lunch?")]))
    }

    @Test func commandsChatRoomsAndUnknownBodiesAreNotHistory() {
        let convert = { (line: String) in Self.converter.convert(Data(line.utf8)) }
        guard case .skipped(let cmd, _) = convert(Self.message("chat", #"{"action":"typing","type":"cmd"}"#)),
            case .skipped(let room, _) = convert(Self.message("chatroom", #"{"msg":"hi","type":"txt"}"#)),
            case .rejected(let unknown, let reason) = convert(Self.message("chat", #"{"type":"hologram"}"#)),
            case .rejected(let bad, _) = convert("{not json"),
            case .rejected(let noPayload, _) = convert(#"{"msg_id":"1","timestamp":1,"chat_type":"chat"}"#)
        else {
            Issue.record("unexpected outcome")
            return
        }
        #expect(cmd == "cmd-skipped")
        #expect(room == "chatroom-skipped")
        #expect(unknown == "unknown-body-type")
        #expect(reason.contains("hologram"))
        #expect(bad == "invalid-json")
        #expect(noPayload == "missing-field")
    }

    @Test func appKeyPrefixIsStripped() {
        #expect(EasemobGroups.strippingAppKey("easemob-demo#chatdemoui_user1") == "user1")
        #expect(EasemobGroups.strippingAppKey("XXXX#testapp_user_with_underscores") == "user_with_underscores")
        #expect(EasemobGroups.strippingAppKey("plain_user") == nil)
    }
}
