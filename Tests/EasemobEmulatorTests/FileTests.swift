import Foundation
import Testing

@testable import EasemobEmulator

@Suite struct FileTests {
    static let restricted = "/easemob-demo/chatdemoui/chatfiles/65e54a4a-fd0b-11e3-b821-ebde7b50cc4b"
    static let secret = "DRGM8OZrEeO1vafuJSo2IjHBeKlIhDp0GCnFu54xOF3M6KLr"

    @Test func aRestrictedAttachmentNeedsItsShareSecret() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            let refused = try await caller.get(Self.restricted, token: token)
            #expect(refused.status == 401)
            let served = try await caller.get(
                Self.restricted, token: token, headers: [.init("share-secret")!: Self.secret])
            #expect(served.status == 200)
            let stored = try Data(
                contentsOf: URL(fileURLWithPath: sampleExport + "/files/65e54a4a-fd0b-11e3-b821-ebde7b50cc4b"))
            #expect(served.bytes == stored)
            let byQuery = try await caller.get(Self.restricted + "?share-secret=\(Self.secret)", token: token)
            #expect(byQuery.status == 200)
            let open = try await caller.get("/easemob-demo/chatdemoui/chatfiles/file-report-0001", token: token)
            #expect(open.status == 200)
            #expect(try await caller.get("/easemob-demo/chatdemoui/chatfiles/file-report-0001").status == 401)
        }
    }

    @Test func attachmentsExpireAfterTheRetention() async throws {
        try await withEmulator { caller in
            let token = try await caller.token()
            _ = try await caller.post("/_emulator/clock?advance=\(8 * 86_400)")
            let fresh = try await caller.token()
            let gone = try await caller.get("/easemob-demo/chatdemoui/chatfiles/file-report-0001", token: fresh)
            #expect(gone.status == 404)
            #expect(gone.json["error"] as? String == "file_not_found")
            _ = token
            let missing = try await caller.get("/easemob-demo/chatdemoui/chatfiles/thumb-1", token: fresh)
            #expect(missing.status == 404)
        }
    }

    @Test func avatarsAreServedWithoutTokenButAttachmentsAreNot() async throws {
        try await withEmulator { caller in
            let avatar = try await caller.get("/_files/avatar-alice.png")
            #expect(avatar.status == 200)
            #expect(avatar.bytes.count == 512)
            #expect(try await caller.get("/_files/file-report-0001").status == 404)
        }
    }
}
