import Foundation
import Testing

@testable import MigrationCore

/// What the files stage knows of one attachment: URL, download hints, and the name it is
/// uploaded under.
@Suite struct AttachmentSourceTests {
    @Test func anExtensionlessURLIsUploadedUnderTheMessagesFileName() {
        let easemob = "https://a1.easemob.com/org/app/chatfiles/65e54a4a-fd0b-11e3"
        #expect(
            AttachmentSource.uploadName(url: easemob, attach: .object(["name": .string("test1.jpg")])) == "test1.jpg")
        #expect(
            AttachmentSource.uploadName(url: easemob, attach: .object(["name": .string("文件"), "ext": .string(" amr")]))
                == "65e54a4a-fd0b-11e3.amr")
        #expect(AttachmentSource.uploadName(url: easemob, attach: .object(["ext": .string("../x")])) == nil)
        #expect(AttachmentSource.uploadName(url: "files/a.png", attach: .object(["name": .string("b.jpg")])) == nil)
        #expect(AttachmentSource.uploadName(url: easemob, attach: nil) == nil)
    }

    @Test func payloadsRoundTripAndABareURLStaysBare() {
        #expect(AttachmentSource(url: "files/a.png", fetch: nil).payload == "files/a.png")
        #expect(AttachmentSource.decode("files/a.png") == AttachmentSource(url: "files/a.png", fetch: nil))
        let hinted = AttachmentSource(
            url: "https://cdn/x", fetch: .object(["headers": .object(["share-secret": .string("s")])]),
            attach: .object(["ext": .string("png")]))
        #expect(hinted.name == "x.png")
        #expect(hinted.headers == ["share-secret": "s"])
        #expect(AttachmentSource.decode(hinted.payload) == hinted)
    }
}
