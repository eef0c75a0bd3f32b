import Foundation
import Testing

@testable import MigrationCore

/// The stable hash is stored (key blocks): it must never change. Checked against the plain
/// byte-by-byte form of its definition for every length up to 40.
@Suite struct StableHasherTests {
    private static func reference(_ bytes: [UInt8]) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func combine(_ word: UInt64) {
            state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
            state = (state << 31) | (state >> 33)
        }
        var offset = 0
        while offset + 8 <= bytes.count {
            var word: UInt64 = 0
            for index in 0..<8 { word |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            combine(word)
            offset += 8
        }
        var tail: UInt64 = 0
        for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << (8 * UInt64(index - offset)) }
        combine(tail)
        combine(UInt64(bytes.count))
        var h = state
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
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
}
