import Foundation
import Testing

@testable import MigrationCore

/// The history pass's lookups: each reference resolved once, every kind of answer kept exactly.
@Suite struct ReferenceCacheTests {
    @Test func eachReferenceIsResolvedOnceAndAnsweredAsResolved() {
        let cache = ReferenceCache(limit: 3)
        let answers: [String: UserResolution] = [
            "Li_Na": .migrated("li_na"), "wang": .migrated("wang"), "ZHÄO": .migrated("zhäo"),
            "Other": .migrated("renamed"), "bad id": .invalid, "Twin": .colliding,
        ]
        var resolved: [String: Int] = [:]
        for round in 0..<3 {
            for (reference, answer) in answers.sorted(by: { $0.key < $1.key }) {
                let got = cache.user(reference) {
                    resolved[reference, default: 0] += 1
                    return answer
                }
                #expect(got == answer, "round \(round): \(reference)")
            }
            #expect(cache.user("nobody") { .unknown } == .unknown)
        }
        // A limit of 3 empties a table when it fills: more lookups, never a wrong answer.
        #expect(resolved.values.allSatisfy { $0 >= 1 })
        let roomy = ReferenceCache()
        var calls = 0
        for _ in 0..<5 {
            _ = roomy.user("Li_Na") {
                calls += 1; return .migrated("li_na")
            }
        }
        #expect(calls == 1)
    }

    @Test func theShortcutForReferencesReadInPlaceAgreesWithTheLookup() {
        let cache = ReferenceCache()
        let answers: [String: UserResolution] = [
            "Li_Na": .migrated("li_na"), "ZHÄO": .migrated("zhäo"), "Other": .migrated("renamed"), "bad id": .invalid,
        ]
        func plain(_ reference: String) -> String? {
            var reference = reference
            return reference.withUTF8 { cache.plainUser(PlainText($0)) }
        }
        // Nothing is known before a lookup.
        #expect(plain("Li_Na") == nil)
        for (reference, answer) in answers { _ = cache.user(reference) { answer } }
        #expect(plain("Li_Na") == "li_na")
        // Only ASCII is lower-cased by the shortcut; the rest, and other answers, go to the lookup.
        #expect(plain("ZHÄO") == nil && plain("Other") == nil && plain("bad id") == nil && plain("li_na") == nil)
    }
}
