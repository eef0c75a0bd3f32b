public import Foundation
public import MigrationCore

/// Verifies a message-CC request from NIM (reference §3.2): `MD5` must be the hex MD5 of the raw
/// body, `CheckSum` must be SHA1(AppSecret + MD5 + CurTime), and `CurTime` (ms) must lie within
/// `window` of the injected clock. Comparisons are constant-time. Pure: no I/O.
public struct CCVerifier: Sendable {
    /// Why a request was refused (answered 403).
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case missingHeader(String)
        case badMD5
        case badCheckSum
        case stale

        public var description: String {
            switch self {
            case .missingHeader(let name): "missing header \(name)"
            case .badMD5: "MD5 does not match the body"
            case .badCheckSum: "CheckSum does not match"
            case .stale: "CurTime is more than 5 minutes off"
            }
        }
    }

    let secret: Secret
    let window: Int64
    let now: @Sendable () -> Int64

    /// A verifier for `secret`; `now` gives ms since the epoch; `window` in ms (5 minutes).
    public init(secret: Secret, window: Int64 = 300_000, now: @escaping @Sendable () -> Int64) {
        self.secret = secret
        self.window = window
        self.now = now
    }

    /// Checks one request's headers against its raw body.
    public func verify(body: Data, md5: String?, curTime: String?, checkSum: String?) -> Result<Void, Refusal> {
        guard let md5, !md5.isEmpty else { return .failure(.missingHeader("MD5")) }
        guard let curTime, !curTime.isEmpty else { return .failure(.missingHeader("CurTime")) }
        guard let checkSum, !checkSum.isEmpty else { return .failure(.missingHeader("CheckSum")) }
        guard ConstantTime.equal(Array(CheckSum.md5Hex(body).utf8), Array(md5.lowercased().utf8)) else {
            return .failure(.badMD5)
        }
        let expected = CheckSum.cc(secret: secret, md5: md5, curTime: curTime)
        guard ConstantTime.equal(Array(expected.utf8), Array(checkSum.lowercased().utf8)) else {
            return .failure(.badCheckSum)
        }
        guard let time = Int64(curTime), abs(now() - time) <= window else { return .failure(.stale) }
        return .success(())
    }
}
