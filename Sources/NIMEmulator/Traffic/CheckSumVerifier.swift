import Crypto
import Foundation

/// Verifies NIM's request signature: `CheckSum = hex(SHA1(AppSecret + Nonce + CurTime))`,
/// `CurTime` in seconds and at most 300 s away from the server clock.
struct CheckSumVerifier: Sendable {
    /// The AppKey every call must carry, or `nil` to accept any.
    let appKey: String?
    /// The secret the checksum is computed with.
    let appSecret: String
    /// How far `CurTime` may be from now, in seconds.
    let maxSkew: Int64 = 300

    /// `nil` when the headers are valid, else the 414 NIM answers.
    func failure(appKey givenKey: String?, nonce: String?, curTime: String?, checkSum: String?, now: Int64)
        -> NIMFailure?
    {
        if let appKey, givenKey != appKey {
            return NIMFailure(code: 414, desc: "appkey")
        }
        guard let nonce, !nonce.isEmpty, nonce.count <= 128, let curTime, let checkSum else {
            return NIMFailure(code: 414, desc: "checksum")
        }
        guard checkSum.lowercased() == Self.checkSum(secret: appSecret, nonce: nonce, curTime: curTime) else {
            return NIMFailure(code: 414, desc: "checksum")
        }
        guard let seconds = Int64(curTime), abs(seconds - now) <= maxSkew else {
            return NIMFailure(code: 414, desc: "CurTime is expired")
        }
        return nil
    }

    /// Lowercase hex SHA-1 of `secret + nonce + curTime`.
    static func checkSum(secret: String, nonce: String, curTime: String) -> String {
        let digest = Insecure.SHA1.hash(data: Data((secret + nonce + curTime).utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
