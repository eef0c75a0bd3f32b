import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// NIM's CC signature: MD5 of the raw body, SHA1(secret + MD5 + CurTime), CurTime within 5 minutes.
@Suite struct CCVerifierTests {
    static let now: Int64 = 1_700_000_000_000
    let verifier = CCVerifier(secret: Secret("s3cret"), now: { CCVerifierTests.now })

    func sign(_ body: Data, curTime: Int64, secret: String = "s3cret") -> (md5: String, checkSum: String) {
        let md5 = CheckSum.md5Hex(body)
        return (md5, CheckSum.sha1Hex(secret + md5 + String(curTime)))
    }

    @Test func acceptsAValidSignatureAndUppercaseHex() {
        let body = Data("{\"msgidServer\":\"1\"}".utf8)
        // The CheckSum is over the MD5 header as sent, whatever its case.
        let md5 = CheckSum.md5Hex(body).uppercased()
        let time = String(Self.now - 299_000)
        let checkSum = CheckSum.sha1Hex("s3cret" + md5 + time).uppercased()
        let result = verifier.verify(body: body, md5: md5, curTime: time, checkSum: checkSum)
        #expect((try? result.get()) != nil)
    }

    @Test func refusesForgedOrStaleRequests() {
        let body = Data("{\"msgidServer\":\"1\"}".utf8)
        let (md5, checkSum) = sign(body, curTime: Self.now)
        let time = String(Self.now)
        #expect(
            verifier.verify(body: Data("{}".utf8), md5: md5, curTime: time, checkSum: checkSum) == .failure(.badMD5))
        let forged = sign(body, curTime: Self.now, secret: "guess").checkSum
        #expect(verifier.verify(body: body, md5: md5, curTime: time, checkSum: forged) == .failure(.badCheckSum))
        let staleTime = Self.now - 301_000
        let stale = sign(body, curTime: staleTime)
        #expect(
            verifier.verify(body: body, md5: stale.md5, curTime: String(staleTime), checkSum: stale.checkSum)
                == .failure(.stale))
        let future = Self.now + 301_000
        let early = sign(body, curTime: future)
        #expect(
            verifier.verify(body: body, md5: early.md5, curTime: String(future), checkSum: early.checkSum)
                == .failure(.stale))
        #expect(
            verifier.verify(body: body, md5: nil, curTime: time, checkSum: checkSum) == .failure(.missingHeader("MD5")))
    }
}

extension Result where Success == Void, Failure == CCVerifier.Refusal {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.success, .success): true
        case (.failure(let a), .failure(let b)): a == b
        default: false
        }
    }
}
