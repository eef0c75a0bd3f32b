import Foundation
import Testing

@testable import MigrationCore

/// Golden tests from every example line of the migration plan (消息体格式介绍), as printed there
/// (line wraps of the document removed), through the normaliser with ids mapped.
@Suite struct HistoryNormalizerTests {
    nonisolated(unsafe) static let normalizer = HistoryNormalizer(
        mapping: .init(
            user: {
                ["aaa": .migrated("aaa"), "bbb": .migrated("bbb"), "ccc": .migrated("ccc"), "AAA": .migrated("aaa")][$0]
                    ?? .unknown
            },
            team: { $0 == "1" ? "10001" : nil },
            file: {
                $0 == "https://a1.ease5fb40/2c93186d"
                    ? ("https://nim.example/f/1", "0123456789abcdef0123456789abcdef", 2600) : nil
            }))

    /// The outcome of a line; read in place with `verbatim` too, which must give the same line,
    /// warnings and rejection.
    static func normalize(_ line: String) -> HistoryNormalizer.Outcome {
        let outcome = normalizer.normalize(Data(line.utf8))
        var text = line
        let inPlace = text.withUTF8 { summary(normalizer.normalize($0, verbatim: true)) }
        #expect(inPlace == summary(outcome), "read in place: \(line)")
        // As the history pass maps: accids through its cache, with its shortcut for references
        // read in place (the second time, the cache knows them all).
        let cache = ReferenceCache()
        var mapping = normalizer.mapping
        mapping.user = { reference in cache.user(reference) { normalizer.mapping.user(reference) } }
        mapping.plainUser = cache.plainUser
        let pass = HistoryNormalizer(mapping: mapping)
        for round in 1...2 {
            let got = text.withUTF8 { summary(pass.normalize($0, verbatim: true)) }
            #expect(got == summary(outcome), "as the pass maps, round \(round): \(line)")
        }
        return outcome
    }

    private static func summary(_ outcome: HistoryNormalizer.Outcome) -> String {
        switch outcome {
        case .message(let message, let warnings, let oldURL): "\(message.line) \(warnings) \(oldURL ?? "")"
        case .rejected(let code, let reason): "rejected \(code): \(reason)"
        }
    }

    @Test(arguments: [
        // p2p text
        (
            #"{"data":{"ext":"ext..","clientType":"2","createTime":1513685265481,"msgid":1,"from":"aaa","to":"bbb","body":"测试"},"type":0}"#,
            #"{"data":{"ext":"ext..","clientType":2,"createTime":1513685265481,"msgid":1,"from":"aaa","to":"bbb","body":"测试"},"type":0}"#
        ),
        // p2p image, re-hosted: url, md5 and size of the uploaded file
        (
            #"{"data":{"ext":"ext..","clientType":"2","createTime":1513685265528,"msgid":11,"from":"aaa","to":"bbb","attach":"{\"h\":780,\"ext\":\"jpg\",\"size\":2589,\"w\":1040,\"name\":\"haha\",\"url\":\"https://a1.ease5fb40/2c93186d\"}"},"type":1}"#,
            #"{"data":{"ext":"ext..","clientType":2,"createTime":1513685265528,"msgid":11,"from":"aaa","to":"bbb","attach":"{\"ext\":\"jpg\",\"h\":780,\"md5\":\"0123456789abcdef0123456789abcdef\",\"name\":\"haha\",\"size\":2600,\"url\":\"https://nim.example/f/1\",\"w\":1040}"},"type":1}"#
        ),
        // p2p audio (dur in ms), not re-hosted: old URL kept
        (
            #"{"data":{"ext":"ext..","clientType":"2","createTime":1513685265528,"msgid":101,"from":"aaa","to":"bbb","attach":"{\"size\":5232,\"ext\":\" amr\",\"dur\":8000,\"url\":\"https://a1.easemob.files/f3bdaffe174cee99f\"}"},"type":2}"#,
            #"{"data":{"ext":"ext..","clientType":2,"createTime":1513685265528,"msgid":101,"from":"aaa","to":"bbb","attach":"{\"dur\":8000,\"ext\":\"amr\",\"size\":5232,\"url\":\"https://a1.easemob.files/f3bdaffe174cee99f\"}"},"type":2}"#
        ),
        // p2p video
        (
            #"{"data":{"ext":"ext..","clientType":"2","createTime":1513685265528,"msgid":1001,"from":"aaa","to":"bbb","attach":"{\"h\":780,\"w\":1040,\"size\":5232,\"ext\":\" mp4\",\"dur\":8000,\"url\":\"https://a1.easeatfiles/f3-ffe174cee99f\"}"},"type":3}"#,
            #"{"data":{"ext":"ext..","clientType":2,"createTime":1513685265528,"msgid":1001,"from":"aaa","to":"bbb","attach":"{\"dur\":8000,\"ext\":\"mp4\",\"h\":780,\"size\":5232,\"url\":\"https://a1.easeatfiles/f3-ffe174cee99f\",\"w\":1040}"},"type":3}"#
        ),
        // p2p location: type, createTime and clientType as strings
        (
            #"{"data":{"attach":"{\"lng\":\"116.655294\",\"title\":\"新华南路 145 号\",\"lat\":\"39.89611\"}","clientType":"1","createTime":"1537262375000","ext":"","msgid":100561,"from":"aaa","to":"bbb"},"type":"4"}"#,
            #"{"data":{"ext":"","clientType":1,"createTime":1537262375000,"msgid":100561,"from":"aaa","to":"bbb","attach":"{\"lat\":\"39.89611\",\"lng\":\"116.655294\",\"title\":\"新华南路 145 号\"}"},"type":4}"#
        ),
        // p2p file
        (
            #"{"data":{"ext":"ext..","clientType":"2","createTime":1513685265528,"msgid":10501,"from":"aaa","to":"bbb","attach":"{\"size\":5232,\"ext\":\" ttf\",\"url\":\"https://a1.easemob.com/hywtfiles/f3bda-ffe174cee99f\"}"},"type":6}"#,
            #"{"data":{"ext":"ext..","clientType":2,"createTime":1513685265528,"msgid":10501,"from":"aaa","to":"bbb","attach":"{\"ext\":\"ttf\",\"size\":5232,\"url\":\"https://a1.easemob.com/hywtfiles/f3bda-ffe174cee99f\"}"},"type":6}"#
        ),
        // p2p custom: attach as an object
        (
            #"{"data": {"attach": {"param": {"ptId": "f5","pe": "http: //img.u.com/zmw/upad/2014/92!/0/quty-90/fobp","artisanName": "","productPrice": "66.0","productName": "helase"},"type": "1","url": "","desc": "作息"},"clientType": "1","createTime": "1539499209000","ext": "","msgid":10534501,"from": "aaa","to": "bbb"},"type": "100"}"#,
            #"{"data":{"ext":"","clientType":1,"createTime":1539499209000,"msgid":10534501,"from":"aaa","to":"bbb","attach":"{\"desc\":\"作息\",\"param\":{\"artisanName\":\"\",\"pe\":\"http: //img.u.com/zmw/upad/2014/92!/0/quty-90/fobp\",\"productName\":\"helase\",\"productPrice\":\"66.0\",\"ptId\":\"f5\"},\"type\":\"1\",\"url\":\"\"}"},"type":100}"#
        ),
        // team text
        (
            #"{"data":{"ext":"ext..","createTime":1511513944827,"clientType":16,"msgid":1,"accid":"aaa","body":"哈哈","tid":1},"type":0}"#,
            #"{"data":{"ext":"ext..","clientType":16,"createTime":1511513944827,"msgid":1,"accid":"aaa","tid":10001,"body":"哈哈"},"type":0}"#
        ),
        // team image
        (
            #"{"data":{"ext":"ext..","createTime":1511513944827,"clientType":16,"msgid":1231,"accid":"aaa","attach":"{\"h\":780,\"ext\":\"jpg\",\"size\":257389,\"w\":1040,\"name\":\"haha\",\"url\":\"https://a1.easemob.com/hywwjugh/jugh/chatfiles/ba05f0e0- e469-11e7-86e2- 5b402c93186d\"}","tid":1},"type":1}"#,
            #"{"data":{"ext":"ext..","clientType":16,"createTime":1511513944827,"msgid":1231,"accid":"aaa","tid":10001,"attach":"{\"ext\":\"jpg\",\"h\":780,\"name\":\"haha\",\"size\":257389,\"url\":\"https://a1.easemob.com/hywwjugh/jugh/chatfiles/ba05f0e0- e469-11e7-86e2- 5b402c93186d\",\"w\":1040}"},"type":1}"#
        ),
        // team audio
        (
            #"{"data":{"ext":"ext..","createTime":1511513944827,"clientType":16,"msgid":13,"accid":"aaa","attach":"{\"size\":5232,\"ext\":\" amr\",\"dur\":8000,\"url\":\"https://a1.easemob.com/hywwjugh/jugh/chatfiles/f3bda300-e469-11e7-9508-ffe174ce e99f\"}","tid":1},"type":2}"#,
            #"{"data":{"ext":"ext..","clientType":16,"createTime":1511513944827,"msgid":13,"accid":"aaa","tid":10001,"attach":"{\"dur\":8000,\"ext\":\"amr\",\"size\":5232,\"url\":\"https://a1.easemob.com/hywwjugh/jugh/chatfiles/f3bda300-e469-11e7-9508-ffe174ce e99f\"}"},"type":2}"#
        ),
        // notifications 101–110
        (
            #"{"data":{"accid2":"aaa","createTime":1511513944871,"clientType":16,"msgid":3,"accid":"bbb","tid":1},"type":101}"#,
            #"{"data":{"clientType":16,"createTime":1511513944871,"msgid":3,"accid":"bbb","accid2":"aaa","tid":10001},"type":101}"#
        ),
        (
            #"{"data":{"accid2":"bbb","createTime":1511513944871,"clientType":16,"msgid":4,"accid":"aaa","tid":1},"type":102}"#,
            #"{"data":{"clientType":16,"createTime":1511513944871,"msgid":4,"accid":"aaa","accid2":"bbb","tid":10001},"type":102}"#
        ),
        (
            #"{"data":{"accid2":"ccc","createTime":1511513944871,"clientType":16,"msgid":5,"accid":"aaa","tid":1},"type":103}"#,
            #"{"data":{"clientType":16,"createTime":1511513944871,"msgid":5,"accid":"aaa","accid2":"ccc","tid":10001},"type":103}"#
        ),
        (
            #"{"data":{"accid2":"ccc","createTime":1511513944871,"clientType":16,"msgid":6,"accid":"aaa","tid":1},"type":104}"#,
            #"{"data":{"clientType":16,"createTime":1511513944871,"msgid":6,"accid":"aaa","accid2":"ccc","tid":10001},"type":104}"#
        ),
        (
            #"{"data":{"accid2":"ccc","createTime":1511513944871,"clientType":16,"msgid":7,"accid":"aaa","tid":1},"type":105}"#,
            #"{"data":{"clientType":16,"createTime":1511513944871,"msgid":7,"accid":"aaa","accid2":"ccc","tid":10001},"type":105}"#
        ),
        (
            #"{"data":{"accid2":"ccc","createTime":1511513944871,"clientType":16,"msgid":8,"accid":"aaa","tid":1},"type":106}"#,
            #"{"data":{"clientType":16,"createTime":1511513944871,"msgid":8,"accid":"aaa","accid2":"ccc","tid":10001},"type":106}"#
        ),
        (
            #"{"data":{"createTime":1511513944871,"clientType":16,"tinfo":{"14":"new","tid":1},"msgid":9,"accid":"aaa","tid":1},"type":107}"#,
            #"{"data":{"clientType":16,"createTime":1511513944871,"msgid":9,"accid":"aaa","tinfo":{"14":"new","tid":10001},"tid":10001},"type":107}"#
        ),
        (
            #"{"data":{"createTime":1511513944872,"clientType":16,"tinfo":{"16":"0","tid":1},"msgid":10,"accid":"aaa","tid":1},"type":107}"#,
            #"{"data":{"clientType":16,"createTime":1511513944872,"msgid":10,"accid":"aaa","tinfo":{"16":0,"tid":10001},"tid":10001},"type":107}"#
        ),
        (
            #"{"data":{"accid2":"ccc","createTime":1511513944872,"clientType":16,"msgid":11,"accid":"aaa","tid":1},"type":108}"#,
            #"{"data":{"clientType":16,"createTime":1511513944872,"msgid":11,"accid":"aaa","accid2":"ccc","tid":10001},"type":108}"#
        ),
        (
            #"{"data":{"createTime":1511513944872,"clientType":16,"msgid":12,"accid":"aaa","tid":1},"type":109}"#,
            #"{"data":{"clientType":16,"createTime":1511513944872,"msgid":12,"accid":"aaa","tid":10001},"type":109}"#
        ),
        (
            #"{"data":{"createTime":1511513944872,"clientType":16,"msgid":13,"accid":"ccc","tid":1},"type":110}"#,
            #"{"data":{"clientType":16,"createTime":1511513944872,"msgid":13,"accid":"ccc","tid":10001},"type":110}"#
        ),
    ])
    func everyExampleOfThePlanIsAcceptedAndMapped(input: String, expected: String) throws {
        guard case .message(let message, _, _) = Self.normalize(input) else {
            Issue.record("rejected: \(Self.normalize(input))")
            return
        }
        #expect(message.line == expected)
        // The output is itself a valid line that normalises to itself (ids already mapped aside).
        #expect(try JSONValue.parse(Data(message.line.utf8))["data"] != nil)
    }

    @Test func secondsAreConvertedAndReported() throws {
        let outcome = Self.normalize(
            #"{"data":{"createTime":1513685265,"msgid":1,"from":"AAA","to":"bbb","body":"x"},"type":0}"#)
        guard case .message(let message, let warnings, _) = outcome else { throw Failure.unexpected("\(outcome)") }
        #expect(message.createTime == 1_513_685_265_000)
        #expect(message.conversation == .p2p(from: "aaa", to: "bbb"))
        #expect(warnings.first?.contains("seconds") == true)
    }

    /// The 63-bit ids derived from non-numeric source message ids are a permanent contract: NIM
    /// holds them after the import, `serve` recalls by them, and a later run must derive the same.
    /// Pinned as literals (FNV-1a 64 of the UTF-8 bytes, top bit cleared), never recomputed here.
    @Test(arguments: [
        ("5I02W-XX-8278a", Int64(518_787_540_772_758_728)), ("5I02W-16-8278a", 1_851_238_130_781_756_823),
        ("em-77a2b", 3_036_980_958_586_830_479), ("asm-01", 9_024_470_124_619_739_868),
        ("消息-1", 8_464_187_892_471_366_401), ("", 5_472_609_002_491_880_229),
    ])
    func derivedMessageIDsNeverChange(source: String, id: Int64) {
        #expect(HistoryNormalizer.stableID(source) == id)
    }

    @Test func aNonNumericMessageIDBecomesAStablePositiveNumber() throws {
        let line =
            #"{"data":{"createTime":1513685265481,"msgid":"1025399436396382872","from":"aaa","to":"bbb","body":"x"},"type":0}"#
        let hashed =
            #"{"data":{"createTime":1513685265481,"msgid":"em-77a2b","from":"aaa","to":"bbb","body":"x"},"type":0}"#
        guard case .message(let a, _, _) = Self.normalize(line), case .message(let b, _, _) = Self.normalize(hashed)
        else {
            throw Failure.unexpected("rejected")
        }
        #expect(a.msgid == 1_025_399_436_396_382_872)
        #expect(b.msgid == HistoryNormalizer.stableID("em-77a2b") && b.msgid > 0)
    }

    @Test(arguments: [
        ("not json", "invalid-json"),
        (#"{"data":{"createTime":1,"msgid":1,"from":"aaa","to":"bbb"},"type":7}"#, "invalid-type"),
        (#"{"data":{"msgid":1,"from":"aaa","to":"bbb","body":"x"},"type":0}"#, "missing-field"),
        (#"{"data":{"createTime":1513685265481,"from":"aaa","to":"bbb","body":"x"},"type":0}"#, "missing-field"),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"from":"aaa","to":"ghost","body":"x"},"type":0}"#,
            "unknown-user"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"accid":"aaa","tid":99,"body":"x"},"type":0}"#,
            "unknown-team"
        ),
        (#"{"data":{"createTime":1513685265481,"msgid":1,"from":"aaa","to":"bbb"},"type":0}"#, "missing-field"),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"from":"aaa","to":"bbb","attach":"{\"size\":1}"},"type":1}"#,
            "invalid-attach"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"from":"aaa","to":"bbb","accid2":"ccc"},"type":101}"#,
            "notification-not-team"
        ),
        (#"{"data":{"createTime":1513685265481,"msgid":1,"accid":"aaa","tid":1},"type":103}"#, "missing-field"),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"accid":"aaa","tid":1,"tinfo":{"16":"3","tid":1}},"type":107}"#,
            "invalid-tinfo"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"accid":"aaa","tid":1,"tinfo":{"25":"x","tid":1}},"type":107}"#,
            "invalid-tinfo"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"accid":"aaa","tid":1,"tinfo":{"14":"x","tid":2}},"type":107}"#,
            "invalid-tinfo"
        ),
        (
            #"{"data":{"createTime":1513685265481,"msgid":1,"accid":"aaa","tid":1,"tinfo":{"14":"x"}},"type":107}"#,
            "invalid-tinfo"
        ),
    ])
    func brokenLinesAreRejectedWithAReason(line: String, code: String) {
        guard case .rejected(let got, let reason) = Self.normalize(line) else {
            Issue.record("accepted: \(line)")
            return
        }
        #expect(got == code, "\(reason)")
    }

    /// The quick check before an attachment's `ext` is trimmed never skips a text trimming would
    /// change.
    @Test func theWhitespaceCheckBeforeTrimmingMissesNothing() {
        let samples = [
            "png", " png", "png ", "\tpng", "png\t", "\npng", "png\r", "", " ", "p n g", "\u{3000}jpg", "jpg\u{00A0}",
            " \u{301}x", "文件", " 文件 ", "e\u{301}", "\u{2003}",
        ]
        for text in samples {
            let changes = text.trimmingCharacters(in: .whitespaces) != text
            #expect(!changes || HistoryNormalizer.mayHaveOuterWhitespace(text), "\(text.debugDescription)")
            if text.utf8.allSatisfy({ $0 < 0x80 }) {
                #expect(HistoryNormalizer.mayHaveOuterWhitespace(text) == changes, "\(text.debugDescription)")
            }
        }
    }

    enum Failure: Error { case unexpected(String) }
}
