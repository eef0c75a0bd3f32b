internal import Crypto
public import Foundation

/// NIM's request signature: lowercase hex SHA1(AppSecret + Nonce + CurTime) (reference §1.2),
/// and the CC signature SHA1(AppSecret + MD5 + CurTime) (§3.2).
public enum CheckSum {
    /// The CheckSum header for one request.
    public static func make(secret: Secret, nonce: String, curTime: String) -> String {
        sha1Hex(secret.value + nonce + curTime)
    }

    /// The CheckSum of a message-CC request NIM sends to us: SHA1(AppSecret + MD5 + CurTime)
    /// (reference §3.2), lowercase hex.
    public static func cc(secret: Secret, md5: String, curTime: String) -> String {
        sha1Hex(secret.value + md5 + curTime)
    }

    /// Lowercase hex SHA-1 of a UTF-8 string.
    public static func sha1Hex(_ text: String) -> String {
        hex(Insecure.SHA1.hash(data: Data(text.utf8)))
    }

    /// Lowercase hex MD5 of bytes.
    public static func md5Hex(_ data: Data) -> String {
        hex(Insecure.MD5.hash(data: data))
    }

    /// A fresh random nonce (32 hex characters).
    public static func nonce() -> String {
        hex(SecureRandom.bytes(16))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits: StaticString = "0123456789abcdef"
        var out: [UInt8] = []
        out.reserveCapacity(digest.underestimatedCount * 2)
        for byte in digest {
            out.append(digits.utf8Start[Int(byte >> 4)])
            out.append(digits.utf8Start[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
