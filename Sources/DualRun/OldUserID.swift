internal import MigrationCore

/// An old user id as serve keys, matches and orders by it.
///
/// Easemob user names are case-insensitive and NIM lower-cases every accid (SPEC §5 users,
/// reference §2.1), so `Nia_n00` and `nia_n00` are one user: a message posted in one spelling and
/// recalled in another, a friendship made in one and ended in another, must meet. The text is
/// folded once, here, by NIM's own rule (``AccidRules/nim(_:)``, the rule the history stage's keys
/// follow); serve never compares an old user id it has not built through this type.
struct OldUserID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The id as NIM would store it (lower-cased): what keys and scopes hold.
    let folded: String

    init(_ raw: String) {
        folded = AccidRules.nim(raw)
    }

    var description: String { folded }

    static func < (lhs: OldUserID, rhs: OldUserID) -> Bool { lhs.folded < rhs.folded }
}
