import EmulatorKit
import Foundation
import Testing

@testable import NIMEmulator

@Suite struct WireTests {
    @Test func formFieldsDecodePercentAndPlus() {
        let fields = FormFields.parse(Substring("a=1+2&b=%E4%BD%A0%22&c=&d=%zz&members=%5B%22x%22%5D"))
        #expect(fields["a"] == "1 2")
        #expect(fields["b"] == "你\"")
        #expect(fields["c"] == "")
        #expect(fields["d"] == "%zz")
        #expect(fields["members"] == "[\"x\"]")
    }

    @Test func multipartParsesFieldsAndFiles() throws {
        let body = Data(
            ("--b1\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nabc\r\n"
                + "--b1\r\nContent-Disposition: form-data; name=\"content\"; filename=\"f.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n--b1--\r\n").utf8)
        #expect(MultipartForm.boundary(fromContentType: "multipart/form-data; boundary=\"b1\"") == "b1")
        #expect(MultipartForm.boundary(fromContentType: "application/json") == nil)
        let form = try #require(MultipartForm.parse(body, boundary: "b1"))
        #expect(form.part(named: "tag")?.data == Data("abc".utf8))
        #expect(form.part(named: "content")?.filename == "f.txt")
        #expect(form.part(named: "content")?.data == Data("line1\r\nline2".utf8))
        #expect(MultipartForm.parse(Data("garbage".utf8), boundary: "b1") == nil)
    }

    /// Read by MultipartKit: binary content holding CR LF and near-delimiters survives byte for
    /// byte, and a body cut before its close delimiter is refused, not taken as a shorter file.
    @Test func multipartKeepsBinaryContentAndRefusesATruncatedBody() throws {
        // NUL, CR LF "--b2" (a near-delimiter), "--b1" without CR LF (not a delimiter), CR LF "-".
        var content = Data([0, 13, 10, 45, 45, 98, 50, 255, 45, 45, 98, 49, 13, 10, 45])
        content.append(Data((0..<4096).map { UInt8($0 % 256) }))
        var body = Data("--b1\r\nContent-Disposition: form-data; name=\"content\"; filename=\"x.bin\"\r\n\r\n".utf8)
        body.append(content)
        body.append(Data("\r\n--b1--\r\n".utf8))
        let form = try #require(MultipartForm.parse(body, boundary: "b1"))
        #expect(form.part(named: "content")?.data == content)
        #expect(MultipartForm.parse(body.prefix(body.count - 8), boundary: "b1") == nil, "no close delimiter")
        #expect(MultipartForm.parse(body.prefix(200), boundary: "b1") == nil, "cut inside the file")
    }

    @Test func jsonValueEncodesSortedAndRoundTrips() throws {
        let value: JSONValue = ["b": 1, "a": [true, nil, "x"], "c": .double(1.5)]
        let text = String(decoding: value.encoded(), as: UTF8.self)
        #expect(text == "{\"a\":[true,null,\"x\"],\"b\":1,\"c\":1.5}")
        #expect(JSONValue(json: text) == value)
    }

    @Test func accidNormalization() throws {
        #expect(try V1Parameters.normalizedAccid("Ab_@.-9", parameter: "accid") == "ab_@.-9")
        #expect(throws: NIMFailure.self) { try V1Parameters.normalizedAccid("a b", parameter: "accid") }
        #expect(throws: NIMFailure.self) {
            try V1Parameters.normalizedAccid(String(repeating: "x", count: 33), parameter: "accid")
        }
    }
}
