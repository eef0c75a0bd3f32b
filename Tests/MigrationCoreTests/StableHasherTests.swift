import Foundation
import Testing

@testable import MigrationCore

/// The stable hash is stored (key blocks): it must never change. Its packing of bytes into words
/// (where the tail is read in one load) is checked against the plain byte-by-byte form for every
/// length up to 40, and a few whole hashes are pinned.
@Suite struct StableHasherTests {
    /// The bytes as the definition packs them: little-endian words, the zero-padded tail, the count.
    private static func reference(_ bytes: [UInt8]) -> UInt64 {
        var hasher = StableHasher()
        var offset = 0
        while offset + 8 <= bytes.count {
            var word: UInt64 = 0
            for index in 0..<8 { word |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            hasher.combine(word)
            offset += 8
        }
        var tail: UInt64 = 0
        for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << (8 * UInt64(index - offset)) }
        hasher.combine(tail)
        hasher.combine(UInt64(bytes.count))
        return hasher.finalize()
    }

    @Test func everyLengthHashesAsDefined() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let hash = bytes.withUnsafeBytes { StableHasher.hash($0) }
                #expect(UInt64(bitPattern: hash) == Self.reference(bytes), "length \(length)")
                let text = String(decoding: bytes.map { $0 & 0x7F }, as: UTF8.self)
                #expect(StableHasher.hash(text) == Self.reference(bytes.map { $0 & 0x7F }))
            }
        }
    }

    @Test func pinnedValues() {
        #expect(StableHasher.hash("") == 12_941_828_707_240_134_538)
        #expect(StableHasher.hash("a") == 5_868_922_489_675_752_173)
        #expect(StableHasher.hash("Li_Na1858") == 958_967_667_411_803_528)
        #expect(StableHasher.hash("0123456789abcdef!") == 7_405_730_560_733_849_979)
    }
}
