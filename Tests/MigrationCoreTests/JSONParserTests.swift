import ExportGenerator
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

    // MARK: - RFC 8259, strictly

    /// Texts RFC 8259 does not allow, each refused (JSONSerialization refuses them too, except
    /// the trailing commas and the byte order mark, which it takes).
    static let invalid: [String] = [
        // Numbers: leading zeros, signs, bare points, empty exponents, and what is not a number.
        "01", "-01", "00", "-00", "007", "0123.5", "[01]", "{\"a\":01}", "[-01,1]", "+1", "[+1]", "+0", ".5", "[.5]",
        "-.5", "5.", "[5.]", "-5.", "5.e3", "1.e3", "1e", "1E", "1e+", "1e-", "[1e]", "1e+-2", "1ee2", "-", "[-]",
        "--1", "-+1", "- 1", "1.2.3", "1e5e5", "1e5.5", "1-2", "0-1", "1+2", "0x10", "0b1", "1_000", "1 000",
        "Infinity", "-Infinity", "NaN", "inf", "-inf", "nan", "1e400", "-1e400", "[1e999]", "1.5E+309", ".", "e", "E5",
        // Strings: raw control characters, unknown or short escapes, no closing quote.
        "\"\u{0}\"", "\"a\u{1}b\"", "\"\u{1F}\"", "\"\t\"", "\"\n\"", "\"\r\"", "[\"a\u{8}\"]", "{\"\u{0}\":1}",
        "\"a\\x\"", "\"\\'\"", "\"\\a\"", "\"\\0\"", "\"\\U0041\"", "\"\\u\"", "\"\\u12\"", "\"\\u12\" ", "\"\\u12G4\"",
        "\"\\u 123\"", "\"\\ud83d\\u12\"", "\"\\", "\"abc", "\"abc\\\"", "'a'", "\"a\"\"", "{\"a\\x\":1}",
        // Structure: missing or extra tokens, trailing commas, bare keys, garbage after the value.
        "", " ", "\n\t\r ", "[", "]", "{", "}", "[1", "[1,]", "[,1]", "[,]", "[1,,2]", "[1 2]", "{\"a\":1,}", "{,}",
        "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{1:1}", "{\"a\";1}", "{\"a\"=1}", "[1]]", "[[1]", "{\"a\":1}}",
        "1 2", "\"a\" \"b\"", "[] []", "{}x", "1,", "true false", "truex", "True", "TRUE", "nul", "nulll", "fals",
        "[true false]", "[null,]", "{\"a\":[}", "[{]}", "[1}", "{\"a\":1]",
        // Whitespace outside RFC 8259's four, a byte order mark, and zero bytes.
        "\u{0C}1", "\u{0B}1", "1\u{0B}", "[1,\u{0C}2]", "\u{A0}1", "\u{FEFF}1", "\u{FEFF}", "1\u{0}", "\u{0}1",
        "[1]\u{0}", "\u{0}",
    ]

    @Test(arguments: invalid)
    func refusesWhatRFC8259DoesNot(text: String) {
        #expect(throws: JSONParseError.self, "\(text.debugDescription)") { try JSONValue.parse(Data(text.utf8)) }
    }

    /// Edge cases RFC 8259 allows, with the value each reads as.
    static let valid: [(String, JSONValue)] = [
        ("0", .int(0)), ("-0", .int(0)), ("-0.0", .double(-0.0)), ("0.0", .double(0)), ("0e0", .double(0)),
        ("-0e-0", .double(-0.0)), ("0E+1", .double(0)), ("10", .int(10)), ("-10", .int(-10)), ("1E+2", .double(100)),
        ("1e2", .double(100)), ("1E-2", .double(0.01)), ("0.5e-3", .double(0.0005)), ("-0.5E3", .double(-500)),
        ("1.25", .double(1.25)), ("123456789012345678", .int(123_456_789_012_345_678)),
        ("-123456789012345678", .int(-123_456_789_012_345_678)),
        ("1234567890123456789", .int(1_234_567_890_123_456_789)), ("9223372036854775807", .int(.max)),
        ("-9223372036854775808", .int(.min)), ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("100000000000000000000", .double(1e20)), ("1e-400", .double(0)), ("4.9e-324", .double(.leastNonzeroMagnitude)),
        ("1.7976931348623157e308", .double(1.7976931348623157e308)),
        ("[0,-0,0.1]", .array([.int(0), .int(0), .double(0.1)])),
        ("{\"a\":0}", .object(["a": .int(0)])), ("[1e1,2E-1]", .array([.double(10), .double(0.2)])),
        // Strings and escapes.
        ("\"\"", .string("")), (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u0000\u001f\u0020""#, .string("\u{0}\u{1F} ")), (#""\u00e9\u00E9\u4E2D""#, .string("éé中")),
        (#""\ud83d\ude00""#, .string("😀")), (#""\uD83D\uDE00x""#, .string("😀x")),
        (#""\udbff\udfff""#, .string("\u{10FFFF}")),
        (#""\ud800\udc00""#, .string("\u{10000}")), ("\"\u{7F}é😀\"", .string("\u{7F}é😀")), (#""a/b""#, .string("a/b")),
        // A surrogate without its pair is U+FFFD (JSONSerialization refuses these).
        (#""\ud800""#, .string("\u{FFFD}")), (#""\udc00x""#, .string("\u{FFFD}x")),
        (#""\ud800\u0041""#, .string("\u{FFFD}A")), (#""\ud800\ud83d\ude00""#, .string("\u{FFFD}😀")),
        (#""\ude00\ud83d""#, .string("\u{FFFD}\u{FFFD}")), (#""\ud800\n""#, .string("\u{FFFD}\n")),
        // Literals, whitespace, duplicate keys (the last wins, as in JSONSerialization).
        ("true", .bool(true)), ("false", .bool(false)), ("null", .null), (" \t\r\nnull \t\r\n", .null),
        ("[ ]", .array([])), ("{ }", .object([:])),
        ("\t[ 1 ,\n{ \"a\" : [ ] } ,\r\"\" ]\n", .array([.int(1), .object(["a": .array([])]), .string("")])),
        ("{\"a\":1,\"a\":2}", .object(["a": .int(2)])), ("{\"\":\"\"}", .object(["": .string("")])),
        (#"{"\u0061":1}"#, .object(["a": .int(1)])),
    ]

    @Test(arguments: valid)
    func readsWhatRFC8259Allows(text: String, expected: JSONValue) throws {
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value == expected, "\(text.debugDescription)")
        if case .double(let expectedDouble) = expected, case .double(let double) = value {
            #expect(double.sign == expectedDouble.sign, "\(text.debugDescription)")
        }
    }

    @Test func invalidUTF8InAStringReadsAsReplacement() throws {
        #expect(try JSONValue.parse(Data([0x22, 0x61, 0xFF, 0x62, 0x22])) == .string("a\u{FFFD}b"))
        #expect(try JSONValue.parse(Data([0x22, 0xED, 0xA0, 0x80, 0x22])) == .string("\u{FFFD}\u{FFFD}\u{FFFD}"))
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data([0x5B, 0xFF, 0x5D])) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data([0xEF, 0xBB, 0xBF, 0x31])) }
    }

    /// 512 levels of arrays or objects, as in JSONSerialization; a scalar may sit in the innermost.
    @Test func nestsUpTo512Levels() throws {
        func arrays(_ depth: Int, _ inner: String = "") -> Data {
            Data((String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)).utf8)
        }
        func objects(_ depth: Int) -> Data {
            Data((String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)).utf8)
        }
        var value = try JSONValue.parse(arrays(512, "-0.5"))
        for _ in 0..<512 {
            guard case .array(let elements) = value, elements.count == 1 else { break }
            value = elements[0]
        }
        #expect(value == .double(-0.5))
        #expect(throws: Never.self) { try JSONValue.parse(arrays(512)) }
        #expect(throws: Never.self) { try JSONValue.parse(objects(512)) }
        #expect(throws: Never.self) { try JSONValue.parse(arrays(511, "{}")) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(arrays(513)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(objects(513)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(arrays(512, "{}")) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(arrays(100_000)) }
        for text in [arrays(512, "1"), objects(512), arrays(513), objects(513)] {
            let foundation = try? JSONSerialization.jsonObject(with: text, options: [.fragmentsAllowed])
            #expect((foundation != nil) == ((try? JSONValue.parse(text)) != nil))
        }
    }

    // MARK: - Fuzzed against JSONSerialization

    /// Random texts, half mutations of JSON texts, half generated: the parser takes exactly what
    /// JSONSerialization takes, with the same value, apart from the documented differences (see
    /// ``JSONParser``), each checked by repairing the text and comparing again.
    @Test func agreesWithJSONSerialization() {
        var random = SplitMix64(seed: 0x5EED_0016_0004)
        var tally = Tally()
        var seeds = Self.seeds.map { Array($0.utf8) }
        for _ in 0..<40 { seeds.append(Fuzz.document(&random)) }
        for round in 0..<4000 {
            let input: [UInt8]
            switch round % 8 {
            case 0, 1, 2: input = Fuzz.mutate(seeds[Int(random.next(below: UInt64(seeds.count)))], &random)
            case 3: input = Fuzz.mutate(Fuzz.document(&random), &random)
            case 4, 5: input = Fuzz.document(&random)
            default: input = Fuzz.numberish(&random)
            }
            Self.check(input, &tally)
        }
        // Not vacuous: many texts taken by both and many refused by both.
        #expect(tally.bothAccepted > 1000, "\(tally)")
        #expect(tally.bothRefused > 1000, "\(tally)")
    }

    struct Tally: CustomStringConvertible {
        var bothAccepted = 0
        var bothRefused = 0
        var documented = 0
        var description: String { "accepted \(bothAccepted), refused \(bothRefused), documented \(documented)" }
    }

    static func check(_ input: [UInt8], _ tally: inout Tally) {
        let ours = try? JSONValue.parse(Data(input))
        // JSONSerialization skips a byte order mark and reads UTF-16 or UTF-32 when it sees a zero
        // byte in the first four: the parser refuses all of these (RFC 8259 §8.1).
        let bom: [[UInt8]] = [[0xEF, 0xBB, 0xBF], [0xFE, 0xFF], [0xFF, 0xFE]]
        if input.prefix(4).contains(0) || bom.contains(where: { input.starts(with: $0) }) {
            #expect(ours == nil, "taken: \(show(input))")
            tally.documented += 1
            return
        }
        let theirs = foundation(input)
        switch (ours, theirs) {
        case (nil, nil):
            tally.bothRefused += 1
        case (let ours?, let theirs?):
            #expect(same(ours, theirs), "different values: \(show(input)): \(ours) vs \(theirs)")
            tally.bothAccepted += 1
        case (nil, let theirs?):
            // Trailing commas, which JSONSerialization takes and RFC 8259 §2 does not: without
            // them the parser must take the text, with the same value.
            let repaired = withoutTrailingCommas(input)
            let again = try? JSONValue.parse(Data(repaired))
            #expect(repaired != input, "refused, JSONSerialization takes it: \(show(input))")
            #expect(again.map { same($0, theirs) } == true, "refused, JSONSerialization takes it: \(show(input))")
            tally.documented += 1
        case (let ours?, nil):
            // Invalid UTF-8 in a string and unpaired surrogate escapes, read as U+FFFD: with those
            // replaced, JSONSerialization must take the text, with the same value.
            let repaired = withoutLoneSurrogates(Array(String(decoding: input, as: UTF8.self).utf8))
            let again = foundation(repaired)
            #expect(repaired != input, "taken, JSONSerialization refuses it: \(show(input))")
            #expect(again.map { same(ours, $0) } == true, "taken, JSONSerialization refuses it: \(show(input))")
            tally.documented += 1
        }
    }

    static func foundation(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// The input for a failure message: the text when it is UTF-8, its bytes otherwise.
    static func show(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text.debugDescription }
        return bytes.map { String($0, radix: 16) }.joined(separator: " ")
    }

    /// Whether a value read here is JSONSerialization's: numbers as Double (exactly, or within
    /// 1e-9 when JSONSerialization made an NSDecimalNumber, whose Double is approximate), strings
    /// byte by byte, arrays element by element, objects key by key.
    static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let bool):
            guard let number = theirs as? NSNumber, String(cString: number.objCType) == "c" else { return false }
            return number.boolValue == bool
        case .int, .double:
            guard let number = theirs as? NSNumber, String(cString: number.objCType) != "c" else { return false }
            let double: Double
            switch ours {
            case .int(let int):
                if !(number is NSDecimalNumber), String(cString: number.objCType) != "Q", number.int64Value != int {
                    return false
                }
                double = Double(int)
            case .double(let value): double = value
            default: return false
            }
            if number is NSDecimalNumber {
                return abs(number.doubleValue - double) <= 1e-9 * max(abs(double), 1e-300)
            }
            return number.doubleValue == double
        case .string(let string):
            guard let other = theirs as? String else { return false }
            return string.utf8.elementsEqual(other.utf8)
        case .array(let elements):
            guard let others = theirs as? [Any], others.count == elements.count else { return false }
            return zip(elements, others).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let others = theirs as? [String: Any], others.count == members.count else { return false }
            return members.allSatisfy { key, value in others[key].map { same(value, $0) } ?? false }
        }
    }

    /// The text without the commas that directly (but for whitespace) close an array or object.
    static func withoutTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    out += bytes[index...(index + 1)]
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ",") {
                var next = index + 1
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "]") || bytes[next] == UInt8(ascii: "}") {
                    index += 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// The text with each `\uXXXX` surrogate that has no pair written `\ufffd`.
    static func withoutLoneSurrogates(_ bytes: [UInt8]) -> [UInt8] {
        func escape(at index: Int) -> UInt32? {
            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                let value = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16),
                bytes[(index + 2)..<(index + 6)].allSatisfy({ UInt8(ascii: "+") != $0 && UInt8(ascii: "-") != $0 })
            else { return nil }
            return value
        }
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                out.append(bytes[index])
                index += 1
                continue
            }
            guard let value = escape(at: index) else {
                out += bytes[index...(index + 1)]
                index += 2
                continue
            }
            if (0xD800...0xDBFF).contains(value), let low = escape(at: index + 6), (0xDC00...0xDFFF).contains(low) {
                out += bytes[index..<(index + 12)]
                index += 12
            } else if (0xD800...0xDFFF).contains(value) {
                out += Array(#"\ufffd"#.utf8)
                index += 6
            } else {
                out += bytes[index..<(index + 6)]
                index += 6
            }
        }
        return out
    }

    /// Valid texts to mutate.
    static let seeds: [String] = [
        #"{"a":1,"b":[true,false,null],"c":"x"}"#, #"[-12,3.5,1e3,0,-0,0.25E-2]"#, #""\u6d4b\ud83d\udc4d\"\\\/\n\t""#,
        #"{"type":0,"data":{"msgid":123,"from":"a","to":"b","body":"hi 中文 😀","ext":"{\"k\":1}"}}"#,
        #"[{"":{}},[[]],"",0.5,-7e+08]"#, #"  {"x" : [ 1 , 2 , { "y" : null } ] }  "#, "123456789012345678901",
        #"{"n":-9223372036854775808,"m":9223372036854775807,"f":1.7976931348623157e308}"#, "true", "null", "0",
        #"["\b\f\r","\u0000","\uDBFF\uDFFF"]"#,
    ]
}

/// The fuzz texts: JSON-ish documents, number-ish tokens and mutations.
private enum Fuzz {

    /// Bytes that matter to the grammar, which mutations favour over any byte.
    static let interesting: [UInt8] =
        Array("{}[]:,\"\\/-+.eE0123456789tfnulrsabxU \t\n\r".utf8)
        + [0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xFF]

    static func mutate(_ seed: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0...random.next(below: 3) {
            let position = bytes.isEmpty ? 0 : Int(random.next(below: UInt64(bytes.count)))
            let byte = random.percent(75) ? random.pick(interesting) : UInt8(truncatingIfNeeded: random.next())
            switch random.next(below: 6) {
            case 0 where !bytes.isEmpty: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes.removeSubrange(position...)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + Int(random.next(below: 8)))
                bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
            default:
                bytes.insert(
                    contentsOf: random.pick(["-", "0", ".", "e", "+", ",", "\\u", "\\ud800", "1e400"]).utf8,
                    at: position)
            }
        }
        return bytes
    }

    /// A random JSON text (sometimes with a trailing comma or a lone surrogate, which the checks
    /// single out).
    static func document(_ random: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        space(&out, &random)
        value(&out, depth: 0, &random)
        space(&out, &random)
        return out
    }

    static func space(_ out: inout [UInt8], _ random: inout SplitMix64) {
        while random.percent(20) { out.append(random.pick([0x20, 0x09, 0x0A, 0x0D])) }
    }

    static func value(_ out: inout [UInt8], depth: Int, _ random: inout SplitMix64) {
        switch random.next(below: depth > 3 ? 6 : 8) {
        case 0: out += Array(random.pick(["true", "false", "null"]).utf8)
        case 1, 2: number(&out, &random)
        case 3, 4, 5: string(&out, &random)
        case 6:
            out.append(UInt8(ascii: "["))
            let count = random.next(below: 5)
            for index in 0..<count {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                space(&out, &random)
                value(&out, depth: depth + 1, &random)
                space(&out, &random)
            }
            if count > 0, random.percent(3) { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "]"))
        default:
            out.append(UInt8(ascii: "{"))
            let count = random.next(below: 5)
            for index in 0..<count {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                space(&out, &random)
                if random.percent(70) {
                    out += Array("\"\(random.pick(["a", "b", "msgid", "", "é", "\\u0061", "\\n"]))\"".utf8)
                } else {
                    string(&out, &random)
                }
                space(&out, &random)
                out.append(UInt8(ascii: ":"))
                space(&out, &random)
                value(&out, depth: depth + 1, &random)
                space(&out, &random)
            }
            if count > 0, random.percent(3) { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A number by the grammar: sometimes long, sometimes big, sometimes out of range.
    static func number(_ out: inout [UInt8], _ random: inout SplitMix64) {
        if random.percent(30) { out.append(UInt8(ascii: "-")) }
        if random.percent(25) {
            out.append(UInt8(ascii: "0"))
        } else {
            out.append(UInt8(ascii: "1") + UInt8(random.next(below: 9)))
            let more = random.percent(10) ? random.next(below: 25) : random.next(below: 6)
            for _ in 0..<more { digit(&out, &random) }
        }
        if random.percent(30) {
            out.append(UInt8(ascii: "."))
            for _ in 0...random.next(below: random.percent(10) ? 20 : 4) { digit(&out, &random) }
        }
        if random.percent(25) {
            out.append(random.pick(Array("eE".utf8)))
            if random.percent(60) { out.append(random.pick(Array("+-".utf8))) }
            for _ in 0...random.next(below: random.percent(10) ? 3 : 1) { digit(&out, &random) }
        }
    }

    static func digit(_ out: inout [UInt8], _ random: inout SplitMix64) {
        out.append(UInt8(ascii: "0") + UInt8(random.next(below: 10)))
    }

    static func string(_ out: inout [UInt8], _ random: inout SplitMix64) {
        out.append(UInt8(ascii: "\""))
        for _ in 0..<random.next(below: 8) {
            switch random.next(below: 10) {
            case 0, 1, 2: out.append(random.pick(Array("abcXYZ019 -_/'{}[]:,.".utf8)))
            case 3: out += Array(random.pick(["é", "中文", "😀", "\u{7F}", "\u{FFFD}", "\u{10FFFF}"]).utf8)
            case 4: out += Array(random.pick(["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"]).utf8)
            case 5, 6:
                let hex = random.pick(["0000", "001f", "0041", "00E9", "4e2D", "fffd", "FFFF", "d7ff", "e000"])
                out += Array("\\u\(hex)".utf8)
            case 7: out += Array(random.pick(["\\ud83d\\ude00", "\\uD800\\uDC00", "\\udbff\\udfff"]).utf8)
            case 8 where random.percent(15): out += Array(random.pick(["\\ud800", "\\udfff", "\\ud83d\\u0041"]).utf8)
            default: out.append(UInt8(ascii: "a") + UInt8(random.next(below: 26)))
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A short run of number bytes, bare or in an array: most of them not numbers.
    static func numberish(_ random: inout SplitMix64) -> [UInt8] {
        var token: [UInt8] = []
        for _ in 0...random.next(below: 7) { token.append(random.pick(Array("-+.eE0012345678900".utf8))) }
        switch random.next(below: 3) {
        case 0: return token
        case 1: return Array("[".utf8) + token + Array(",1]".utf8)
        default: return Array("{\"a\":".utf8) + token + Array("}".utf8)
        }
    }
}

/// The fuzz's draws on the generator's SplitMix64 (ExportGenerator).
extension SplitMix64 {
    fileprivate mutating func next(below bound: UInt64) -> UInt64 { next() % bound }
    fileprivate mutating func percent(_ percent: UInt64) -> Bool { next(below: 100) < percent }
}
