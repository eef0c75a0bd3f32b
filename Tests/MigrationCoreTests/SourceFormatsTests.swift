import Testing

@testable import MigrationCore

/// The format list: `source.format` → the vendor that reads it.
@Suite struct SourceFormatsTests {
    @Test func easemobResolvesToItsVendor() throws {
        let format = try SourceFormats.resolve("easemob").get()
        let vendor = try #require(SourceFormats.vendor(for: format))
        #expect(vendor.format == "easemob")
        #expect(vendor is EasemobVendor)
        #expect(vendor.hasPull)
    }

    @Test func canonicalIsBuiltInWithoutAVendor() throws {
        let format = try SourceFormats.resolve("canonical").get()
        #expect(format == .canonical)
        #expect(SourceFormats.vendor(for: format) == nil)
    }

    @Test func anUnknownFormatIsRejectedInOneLine() {
        guard case .failure(let error) = SourceFormats.resolve("tencent") else {
            Issue.record("tencent is not a known format yet")
            return
        }
        #expect(error.description == "unknown format 'tencent' (known: canonical, easemob)")
        #expect(!error.description.contains("\n"))
    }

    @Test func serveAsksTheVendorsForTheirShapes() throws {
        let callback: [String: JSONValue] = [
            "callId": .string("c1"), "chat_type": .string("roster"), "timestamp": .int(1_700_000_000_000),
            "from": .string("org#app_a@easemob.com"), "to": .string("b"),
            "payload": .object(["operation": .string("remove")]),
        ]
        let events = SourceFormats.vendors.lazy.compactMap { $0.incomingEvents(callback) }.first
        #expect(try events?.get().first?["type"]?.string == "friend.removed")
        #expect(SourceFormats.vendors.allSatisfy { $0.incomingEvents(["id": .string("e1")]) == nil })
        #expect(SourceFormats.vendors.allSatisfy { $0.incomingMessage(.object(["data": .object([:])])) == nil })
    }
}
